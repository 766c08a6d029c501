package org.wikipulse.serving;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real-time page's queries. Window sums read the per-minute rollups the speed layer maintains
 * ({@code realtime_minute_rollups}, {@code _pages}, {@code _users}, migration V2), never 24 h of raw
 * events; only the velocity (last 60 s) and the battlefield (newest edits, by the event_time index)
 * read {@code realtime_recent_changes}. Every query takes the window's minute range and the filters
 * of a {@link RealtimeQuery} as bind parameters.
 */
public final class RealtimeRepository {
  /** Spike detection: the recent rate is the mean of this many complete minutes... */
  static final int SPIKE_RECENT_MINUTES = 5;
  /** ...compared with the per-minute mean and deviation of this many minutes before them. */
  static final int SPIKE_BASELINE_MINUTES = 180;
  static final double SPIKE_SIGMA = 3.0;
  static final double SPIKE_MIN_PER_MINUTE = 10.0;

  private final Db db;

  public RealtimeRepository(Db db) {
    this.db = db;
  }

  private static List<Object> windowParams(RealtimeQuery q) {
    List<Object> p = new ArrayList<>();
    p.add(q.firstMinute());
    p.add(q.lastMinute());
    p.addAll(q.filterParams());
    return p;
  }

  /** {@link #windowParams} followed by the row limit (for queries ending in LIMIT ?). */
  private static List<Object> windowParamsAndLimit(RealtimeQuery q) {
    List<Object> p = windowParams(q);
    p.add(q.limit());
    return p;
  }

  private static String inWindow(RealtimeQuery q) {
    return " WHERE minute BETWEEN ? AND ?" + q.filterSql();
  }

  public Map<String, Object> summary(RealtimeQuery q) {
    Map<String, Object> totals =
        db.row(
            "SELECT coalesce(sum(event_count), 0) AS events, coalesce(sum(total_bytes), 0) AS bytes, "
                + "count(DISTINCT server_name) AS servers FROM realtime_minute_rollups" + inWindow(q),
            windowParams(q));
    List<Map<String, Object>> top =
        db.rows(
            "SELECT server_name, sum(event_count) AS events FROM realtime_minute_rollups" + inWindow(q)
                + " GROUP BY server_name ORDER BY events DESC, server_name LIMIT 1",
            windowParams(q));
    List<Object> velocityParams = new ArrayList<>();
    velocityParams.add(q.now().minusSeconds(60));
    velocityParams.add(q.now());
    velocityParams.addAll(q.filterParams());
    Map<String, Object> velocity =
        db.row(
            "SELECT count(*) AS n FROM realtime_recent_changes WHERE event_time > ? AND event_time <= ?"
                + q.filterSql(),
            velocityParams);
    Map<String, Object> out = q.describe();
    long bytes = (Long) totals.get("bytes");
    out.put("events", totals.get("events"));
    out.put("bytes", bytes);
    out.put("mib", Math.round(bytes / 1_048_576.0 * 1000) / 1000.0);
    out.put("velocity", Math.round((Long) velocity.get("n") / 60.0 * 1000) / 1000.0);
    out.put("top_server", top.isEmpty() ? null : top.get(0));
    out.put("servers", totals.get("servers"));
    return out;
  }

  public Map<String, Object> timeseries(RealtimeQuery q) {
    List<Object> p = new ArrayList<>();
    p.add(q.firstMinute());
    p.add(q.lastMinute());
    p.addAll(windowParams(q));
    List<Map<String, Object>> points =
        db.rows(
            "SELECT m.minute, coalesce(r.events, 0) AS events, coalesce(r.bytes, 0) AS bytes, "
                + "round(coalesce(r.events, 0) / 60.0, 3)::float8 AS events_per_sec, "
                + "coalesce(r.added, 0) AS bytes_added, coalesce(r.removed, 0) AS bytes_removed "
                + "FROM generate_series(?::timestamptz, ?::timestamptz, interval '1 minute') AS m(minute) "
                + "LEFT JOIN (SELECT minute, sum(event_count) AS events, sum(total_bytes) AS bytes, "
                + "sum(bytes_added) AS added, sum(bytes_removed) AS removed FROM realtime_minute_rollups"
                + inWindow(q) + " GROUP BY minute) r ON r.minute = m.minute ORDER BY m.minute",
            p);
    Map<String, Object> out = q.describe();
    out.put("points", points);
    return out;
  }

  public Map<String, Object> servers(RealtimeQuery q) {
    List<Object> p = windowParamsAndLimit(q);
    return rows(
        q,
        db.rows(
            "SELECT server_name, min(language) AS language, min(project) AS project, "
                + "sum(event_count) AS events, sum(total_bytes) AS bytes FROM realtime_minute_rollups"
                + inWindow(q) + " GROUP BY server_name ORDER BY events DESC, server_name LIMIT ?",
            p));
  }

  public Map<String, Object> languages(RealtimeQuery q) {
    List<Object> p = windowParamsAndLimit(q);
    return rows(
        q,
        db.rows(
            "SELECT language, sum(event_count) AS events, sum(total_bytes) AS bytes "
                + "FROM realtime_minute_rollups" + inWindow(q)
                + " GROUP BY language ORDER BY events DESC, language LIMIT ?",
            p));
  }

  public Map<String, Object> severity(RealtimeQuery q) {
    return rows(
        q,
        db.rows(
            "SELECT s.severity, coalesce(r.events, 0) AS events, coalesce(r.bytes, 0) AS bytes "
                + "FROM (VALUES ('MAJOR', 1), ('MODERATE', 2), ('MINOR', 3)) AS s(severity, ord) "
                + "LEFT JOIN (SELECT severity, sum(event_count) AS events, sum(total_bytes) AS bytes "
                + "FROM realtime_minute_rollups" + inWindow(q) + " GROUP BY severity) r "
                + "ON r.severity = s.severity ORDER BY s.ord",
            windowParams(q)));
  }

  public Map<String, Object> volumeChange(RealtimeQuery q) {
    Map<String, Object> sums =
        db.row(
            "SELECT coalesce(sum(bytes_added), 0) AS bytes_added, "
                + "coalesce(sum(bytes_removed), 0) AS bytes_removed FROM realtime_minute_rollups"
                + inWindow(q),
            windowParams(q));
    Map<String, Object> out = q.describe();
    long added = (Long) sums.get("bytes_added");
    long removed = (Long) sums.get("bytes_removed");
    out.put("bytes_added", added);
    out.put("bytes_removed", removed);
    out.put("net", added - removed);
    return out;
  }

  public Map<String, Object> namespaces(RealtimeQuery q) {
    List<Object> p = windowParamsAndLimit(q);
    List<Map<String, Object>> rows =
        db.rows(
            "SELECT namespace, sum(event_count) AS events, sum(total_bytes) AS bytes "
                + "FROM realtime_minute_rollups" + inWindow(q)
                + " GROUP BY namespace ORDER BY events DESC, namespace NULLS LAST LIMIT ?",
            p);
    List<Map<String, Object>> named = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> n = new LinkedHashMap<>();
      Long ns = (Long) r.get("namespace");
      n.put("namespace", ns);
      n.put("name", Namespaces.name(ns));
      n.put("events", r.get("events"));
      n.put("bytes", r.get("bytes"));
      named.add(n);
    }
    return rows(q, named);
  }

  public Map<String, Object> types(RealtimeQuery q) {
    return rows(
        q,
        db.rows(
            "SELECT type, sum(event_count) AS events, sum(total_bytes) AS bytes "
                + "FROM realtime_minute_rollups" + inWindow(q)
                + " GROUP BY type ORDER BY events DESC, type",
            windowParams(q)));
  }

  public Map<String, Object> engagement(RealtimeQuery q) {
    Map<String, Object> c =
        db.row(
            "SELECT count(*) FILTER (WHERE n BETWEEN 10 AND 19) AS b10, "
                + "count(*) FILTER (WHERE n BETWEEN 20 AND 49) AS b20, "
                + "count(*) FILTER (WHERE n BETWEEN 50 AND 99) AS b50, "
                + "count(*) FILTER (WHERE n BETWEEN 100 AND 499) AS b100, "
                + "count(*) FILTER (WHERE n >= 500) AS b500, count(*) AS users_total "
                + "FROM (SELECT user_name, sum(event_count) AS n FROM realtime_minute_users" + inWindow(q)
                + " GROUP BY user_name) u",
            windowParams(q));
    List<Map<String, Object>> buckets = new ArrayList<>();
    String[][] names = {{"10-19", "b10"}, {"20-49", "b20"}, {"50-99", "b50"}, {"100-499", "b100"}, {"500+", "b500"}};
    for (String[] b : names) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("bucket", b[0]);
      row.put("users", c.get(b[1]));
      buckets.add(row);
    }
    Map<String, Object> out = q.describe();
    out.put("buckets", buckets);
    out.put("users_total", c.get("users_total"));
    return out;
  }

  public Map<String, Object> pages(RealtimeQuery q) {
    List<Object> p = windowParamsAndLimit(q);
    return rows(
        q,
        db.rows(
            "SELECT title, server_name, sum(event_count) AS events, sum(total_bytes) AS bytes "
                + "FROM realtime_minute_pages" + inWindow(q)
                + " GROUP BY server_name, title "
                + "ORDER BY events DESC, bytes DESC, title COLLATE \"C\", server_name LIMIT ?",
            p));
  }

  public Map<String, Object> battlefield(RealtimeQuery q) {
    List<Object> p = new ArrayList<>();
    p.add(q.firstMinute());
    p.add(q.now());
    p.addAll(q.filterParams());
    p.add(q.limit());
    return rows(
        q,
        db.rows(
            "SELECT event_time, title, user_name, server_name, length_diff, bytes_changed, type "
                + "FROM realtime_recent_changes WHERE event_time >= ? AND event_time <= ?"
                + q.filterSql() + " ORDER BY event_time DESC, event_id LIMIT ?",
            p));
  }

  /**
   * Wikis editing far above their own recent baseline: the mean of the last {@value
   * #SPIKE_RECENT_MINUTES} complete minutes against the per-minute mean and standard deviation of the
   * {@value #SPIKE_BASELINE_MINUTES} minutes before (minutes without events count as 0). A wiki with
   * no baseline deviation is flagged when it is above its mean at all (sigma is then null).
   */
  public Map<String, Object> spikes(RealtimeQuery q) {
    Instant recentEnd = q.lastMinute(); // the current minute is still filling: not counted
    Instant recentStart = recentEnd.minus(SPIKE_RECENT_MINUTES, ChronoUnit.MINUTES);
    Instant baseStart = recentStart.minus(SPIKE_BASELINE_MINUTES, ChronoUnit.MINUTES);
    List<Object> p = new ArrayList<>();
    p.add(recentStart);
    p.add(recentStart);
    p.add(recentStart);
    p.add(baseStart);
    p.add(recentEnd);
    p.addAll(q.filterParams());
    List<Map<String, Object>> perServer =
        db.rows(
            "SELECT server_name, coalesce(sum(n) FILTER (WHERE minute >= ?), 0) AS recent, "
                + "coalesce(sum(n) FILTER (WHERE minute < ?), 0) AS base, "
                + "coalesce(sum(n * n) FILTER (WHERE minute < ?), 0) AS base_sq "
                + "FROM (SELECT server_name, minute, sum(event_count) AS n FROM realtime_minute_rollups "
                + "WHERE minute >= ? AND minute < ?" + q.filterSql() + " GROUP BY server_name, minute) m "
                + "GROUP BY server_name",
            p);
    List<Map<String, Object>> flagged = new ArrayList<>();
    for (Map<String, Object> r : perServer) {
      double recent = ((Long) r.get("recent")) / (double) SPIKE_RECENT_MINUTES;
      double mean = ((Long) r.get("base")) / (double) SPIKE_BASELINE_MINUTES;
      double variance =
          Math.max(0, ((Number) r.get("base_sq")).doubleValue() / SPIKE_BASELINE_MINUTES - mean * mean);
      double stddev = Math.sqrt(variance);
      boolean spike =
          recent >= SPIKE_MIN_PER_MINUTE
              && (stddev > 0 ? recent > mean + SPIKE_SIGMA * stddev : recent > mean);
      if (spike) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("server_name", r.get("server_name"));
        row.put("recent_per_min", round(recent));
        row.put("baseline_per_min", round(mean));
        row.put("baseline_stddev", round(stddev));
        row.put("sigma", stddev > 0 ? round((recent - mean) / stddev) : null);
        flagged.add(row);
      }
    }
    flagged.sort(
        (a, b) -> {
          double sa = a.get("sigma") == null ? Double.MAX_VALUE : (Double) a.get("sigma");
          double sb = b.get("sigma") == null ? Double.MAX_VALUE : (Double) b.get("sigma");
          int bySigma = Double.compare(sb, sa);
          return bySigma != 0 ? bySigma : ((String) a.get("server_name")).compareTo((String) b.get("server_name"));
        });
    Map<String, Object> out = q.describe();
    out.put("recent_from", recentStart.toString());
    out.put("baseline_from", baseStart.toString());
    out.put("rows", flagged);
    return out;
  }

  public Map<String, Object> filters(RealtimeQuery q) {
    List<Object> p = new ArrayList<>();
    p.add(q.firstMinute());
    p.add(q.lastMinute());
    Map<String, Object> out = q.describe();
    out.put(
        "servers",
        db.rows(
                "SELECT server_name, sum(event_count) AS events FROM realtime_minute_rollups "
                    + "WHERE minute BETWEEN ? AND ? GROUP BY server_name ORDER BY events DESC, server_name LIMIT 200",
                p)
            .stream()
            .map(r -> r.get("server_name"))
            .toList());
    List<Map<String, Object>> namespaces = new ArrayList<>();
    for (Map<String, Object> r :
        db.rows(
            "SELECT DISTINCT namespace FROM realtime_minute_rollups WHERE minute BETWEEN ? AND ? "
                + "AND namespace IS NOT NULL ORDER BY namespace",
            p)) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("namespace", r.get("namespace"));
      n.put("name", Namespaces.name((Long) r.get("namespace")));
      namespaces.add(n);
    }
    out.put("namespaces", namespaces);
    out.put("types", List.of("edit", "new", "log"));
    return out;
  }

  private static Map<String, Object> rows(RealtimeQuery q, List<Map<String, Object>> rows) {
    Map<String, Object> out = q.describe();
    out.put("rows", rows);
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
