package org.wikipulse.serving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The health strip, {@code /health} and the alert states: last event age, events/s in, dead letters
 * in the last hour and their rate, the speed layer's consumer lag, batch freshness. The original
 * system's alert rules are evaluated here, once, for the page, the health check and the metrics.
 */
public final class StatusService {
  static final Duration NO_EVENTS_AFTER = Duration.ofMinutes(5);
  static final long LAG_WARNING = 5_000;
  static final long LAG_CRITICAL = 10_000;
  static final double DEAD_LETTER_RATE_WARNING = 0.01;
  static final Duration BATCH_STALE_AFTER = Duration.ofHours(26);

  private final Db db;
  private final Clock clock;
  private final Supplier<Long> consumerLag;

  public StatusService(Db db, Clock clock, Supplier<Long> consumerLag) {
    this.db = db;
    this.clock = clock;
    this.consumerLag = consumerLag;
  }

  public Map<String, Object> status() {
    Instant now = clock.instant();
    Map<String, Object> last =
        db.row("SELECT max(event_time) AS last_event_time FROM realtime_recent_changes", List.of());
    Map<String, Object> recent =
        db.row(
            "SELECT count(*) AS n FROM realtime_recent_changes WHERE event_time > ? AND event_time <= ?",
            List.of(now.minusSeconds(60), now));
    Map<String, Object> hour =
        db.row(
            "SELECT coalesce(sum(event_count), 0) AS events FROM realtime_minute_rollups WHERE minute >= ? AND minute <= ?",
            List.of(now.minus(Duration.ofMinutes(60)), now));
    Map<String, Object> dead =
        db.row(
            "SELECT count(*) AS n FROM dead_letters WHERE failed_at > ? AND failed_at <= ?",
            List.of(now.minus(Duration.ofHours(1)), now));
    Map<String, Object> batch =
        db.row(
            "SELECT max(finished_at) AS finished FROM batch_runs WHERE status = 'succeeded'", List.of());

    String lastEvent = (String) last.get("last_event_time");
    Long ageSeconds = lastEvent == null ? null : Math.max(0, Duration.between(Instant.parse(lastEvent), now).toSeconds());
    long deadLetters = (Long) dead.get("n");
    long hourEvents = (Long) hour.get("events");
    double deadRate = deadLetters + hourEvents == 0 ? 0 : deadLetters / (double) (deadLetters + hourEvents);
    String batchFinished = (String) batch.get("finished");
    Long batchAge = batchFinished == null ? null : Math.max(0, Duration.between(Instant.parse(batchFinished), now).toSeconds());
    Long lag = consumerLag.get();

    List<Map<String, Object>> alerts = new ArrayList<>();
    if (ageSeconds == null || ageSeconds > NO_EVENTS_AFTER.toSeconds()) {
      alerts.add(alert("no_events", "critical",
          ageSeconds == null ? "no event has arrived yet" : "no event for " + ageSeconds + " s (limit 300 s)"));
    }
    if (lag != null && lag > LAG_CRITICAL) {
      alerts.add(alert("consumer_lag", "critical", "speed layer is " + lag + " records behind (limit 10000)"));
    } else if (lag != null && lag > LAG_WARNING) {
      alerts.add(alert("consumer_lag", "warning", "speed layer is " + lag + " records behind (warning at 5000)"));
    }
    if (deadRate > DEAD_LETTER_RATE_WARNING) {
      alerts.add(alert("dead_letter_rate", "warning",
          String.format(java.util.Locale.ROOT, "%.2f %% of the last hour's records are dead letters (limit 1 %%)", deadRate * 100)));
    }
    if (batchAge == null || batchAge > BATCH_STALE_AFTER.toSeconds()) {
      alerts.add(alert("batch_stale", "warning",
          batchAge == null ? "the batch layer has not completed a run yet" : "last batch run finished " + batchAge / 3600 + " h ago (limit 26 h)"));
    }

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", now.toString());
    out.put("last_event_time", lastEvent);
    out.put("last_event_age_seconds", ageSeconds);
    out.put("events_per_sec", Math.round((Long) recent.get("n") / 60.0 * 1000) / 1000.0);
    out.put("events_last_hour", hourEvents);
    out.put("dead_letters_last_hour", deadLetters);
    out.put("dead_letter_rate", Math.round(deadRate * 1_000_000) / 1_000_000.0);
    out.put("consumer_lag", lag);
    out.put("batch_last_success", batchFinished);
    out.put("batch_age_seconds", batchAge);
    out.put("alerts", alerts);
    return out;
  }

  private static Map<String, Object> alert(String name, String severity, String message) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("name", name);
    a.put("severity", severity);
    a.put("message", message);
    return a;
  }
}
