package org.wikipulse.serving;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The historical page's queries: the five tables the batch layer replaces atomically, the batch run
 * log, and the hourly series that joins both layers — hours the batch layer computed come from
 * {@code historical_hourly_trends}/{@code _patterns}, the hours after its last one from the
 * real-time minute rollups, with the seam between them reported.
 */
public final class HistoricalRepository {
  private final Db db;

  public HistoricalRepository(Db db) {
    this.db = db;
  }

  /**
   * Every hour of the {@code hours} ending with the hour that holds {@code now}. The 24 h averages of
   * batch hours are the batch layer's own; those of real-time hours are the mean over the 24 hourly
   * points ending there, in the joined series (hours before its first point not counted, as in the
   * batch layer's definition).
   */
  public Map<String, Object> hourly(int hours, Instant now) {
    Instant lastHour = now.truncatedTo(ChronoUnit.HOURS);
    Instant firstHour = lastHour.minus(hours - 1L, ChronoUnit.HOURS);
    Map<String, Object> end =
        db.row("SELECT max(hour_bucket) AS last_batch_hour FROM historical_hourly_trends", List.of());
    Instant seam =
        end.get("last_batch_hour") == null
            ? null
            : Instant.parse((String) end.get("last_batch_hour")).plus(1, ChronoUnit.HOURS);

    Map<String, Map<String, Object>> batch = new HashMap<>();
    for (Map<String, Object> r :
        db.rows(
            "SELECT t.hour_bucket AS hour, t.total_events, t.total_bytes, "
                + "coalesce(p.bot_events, 0) AS bot_events, coalesce(p.human_events, 0) AS human_events, "
                + "t.events_24h_avg, t.bytes_24h_avg FROM historical_hourly_trends t "
                + "LEFT JOIN historical_hourly_patterns p ON p.hour_bucket = t.hour_bucket "
                + "WHERE t.hour_bucket BETWEEN ? AND ?",
            List.of(firstHour, lastHour))) {
      batch.put((String) r.get("hour"), r);
    }
    Map<String, Map<String, Object>> realtime = new HashMap<>();
    Instant realtimeFrom = seam == null || seam.isBefore(firstHour) ? firstHour : seam;
    for (Map<String, Object> r :
        db.rows(
            // Truncated in UTC: the session's zone is the JVM's, and in a zone such as +05:30 a
            // local hour starts at :30 UTC and would match no hour of the series.
            "SELECT date_trunc('hour', minute, 'UTC') AS hour, sum(event_count) AS total_events, "
                + "sum(total_bytes) AS total_bytes, "
                + "coalesce(sum(event_count) FILTER (WHERE is_bot), 0) AS bot_events, "
                + "coalesce(sum(event_count) FILTER (WHERE NOT is_bot), 0) AS human_events "
                + "FROM realtime_minute_rollups WHERE minute >= ? AND minute < ? GROUP BY 1",
            List.of(realtimeFrom, lastHour.plus(1, ChronoUnit.HOURS)))) {
      realtime.put((String) r.get("hour"), r);
    }

    List<Map<String, Object>> points = new ArrayList<>();
    List<long[]> totals = new ArrayList<>();
    for (Instant h = firstHour; !h.isAfter(lastHour); h = h.plus(1, ChronoUnit.HOURS)) {
      String key = h.toString();
      Map<String, Object> b = batch.get(key);
      boolean fromBatch = b != null && seam != null && h.isBefore(seam);
      Map<String, Object> src = fromBatch ? b : realtime.get(key);
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("hour", key);
      point.put("source", fromBatch ? "batch" : "realtime");
      long events = src == null ? 0 : ((Number) src.get("total_events")).longValue();
      long bytes = src == null ? 0 : ((Number) src.get("total_bytes")).longValue();
      point.put("total_events", events);
      point.put("total_bytes", bytes);
      point.put("bot_events", src == null ? 0L : ((Number) src.get("bot_events")).longValue());
      point.put("human_events", src == null ? 0L : ((Number) src.get("human_events")).longValue());
      totals.add(new long[] {events, bytes});
      if (fromBatch) {
        point.put("events_24h_avg", ((Number) b.get("events_24h_avg")).doubleValue());
        point.put("bytes_24h_avg", ((Number) b.get("bytes_24h_avg")).doubleValue());
      } else {
        int i = totals.size() - 1;
        int from = Math.max(0, i - 23);
        double e = 0;
        double by = 0;
        for (int j = from; j <= i; j++) {
          e += totals.get(j)[0];
          by += totals.get(j)[1];
        }
        int n = i - from + 1;
        point.put("events_24h_avg", RealtimeRepository.round(e / n));
        point.put("bytes_24h_avg", RealtimeRepository.round(by / n));
      }
      points.add(point);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", firstHour.toString());
    out.put("to", lastHour.plus(1, ChronoUnit.HOURS).toString());
    out.put("seam", seam == null ? null : seam.toString());
    out.put("points", points);
    return out;
  }

  public Map<String, Object> languages(int limit) {
    return rows(
        db.rows(
            "SELECT language, project, edit_count, total_bytes, bot_edits, new_pages, "
                + "round(edit_count::numeric / nullif(sum(edit_count) OVER (), 0), 6)::float8 AS share "
                + "FROM historical_language_distribution "
                + "ORDER BY edit_count DESC, language COLLATE \"C\", project COLLATE \"C\" LIMIT ?",
            List.of(limit)));
  }

  public Map<String, Object> servers(int limit) {
    return rows(
        db.rows(
            "SELECT server_name, language, project, edit_count, total_bytes, unique_users, rank, percentile "
                + "FROM historical_server_rankings ORDER BY rank LIMIT ?",
            List.of(limit)));
  }

  public Map<String, Object> contributors(int limit) {
    return rows(
        db.rows(
            "SELECT user_name, is_bot, edit_count, total_bytes, pages_created "
                + "FROM historical_top_contributors "
                + "ORDER BY edit_count DESC, user_name COLLATE \"C\", is_bot LIMIT ?",
            List.of(limit)));
  }

  public Map<String, Object> runs(int limit) {
    String columns =
        "run_id, status, runner, range_from, range_to, events_read, duplicates_dropped, started_at, "
            + "finished_at, message";
    Map<String, Object> out =
        rows(db.rows("SELECT " + columns + " FROM batch_runs ORDER BY run_id DESC LIMIT ?", List.of(limit)));
    List<Map<String, Object>> last =
        db.rows(
            "SELECT " + columns + " FROM batch_runs WHERE status = 'succeeded' ORDER BY run_id DESC LIMIT 1",
            List.of());
    out.put("last_success", last.isEmpty() ? null : last.get(0));
    return out;
  }

  private static Map<String, Object> rows(List<Map<String, Object>> rows) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    return out;
  }
}
