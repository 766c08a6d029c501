package org.wikipulse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.joda.time.Instant;

/**
 * An independent computation of the five historical views in PostgreSQL, over the events of {@code
 * realtime_recent_changes} (which the speed layer fills with the same kept, de-duplicated events
 * it writes to the lake), written from the definitions in issue 4, not from the Beam code. Names
 * are ordered with {@code COLLATE "C"} (code point order). Both sides are read through PostgreSQL,
 * so numbers, doubles and timestamps are compared as the same text.
 */
public final class HistoricalReference {
  private HistoricalReference() {}

  /** The rows of each historical table, in a fixed order. */
  public static Map<String, List<String>> tables(String jdbcUrl) throws Exception {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("historical_hourly_patterns", TestServices.queryRows(jdbcUrl,
        "SELECT hour_bucket, total_events, total_bytes, avg_bytes, bot_events, human_events "
            + "FROM historical_hourly_patterns ORDER BY hour_bucket"));
    t.put("historical_hourly_trends", TestServices.queryRows(jdbcUrl,
        "SELECT hour_bucket, total_events, total_bytes, bot_count, new_pages, edits, events_24h_avg, "
            + "bytes_24h_avg FROM historical_hourly_trends ORDER BY hour_bucket"));
    t.put("historical_top_contributors", TestServices.queryRows(jdbcUrl,
        "SELECT user_name, is_bot, edit_count, total_bytes, pages_created FROM historical_top_contributors "
            + "ORDER BY edit_count DESC, user_name COLLATE \"C\", is_bot"));
    t.put("historical_language_distribution", TestServices.queryRows(jdbcUrl,
        "SELECT language, project, edit_count, total_bytes, bot_edits, new_pages "
            + "FROM historical_language_distribution ORDER BY language COLLATE \"C\", project COLLATE \"C\""));
    t.put("historical_server_rankings", TestServices.queryRows(jdbcUrl,
        "SELECT server_name, language, project, edit_count, total_bytes, unique_users, rank, percentile "
            + "FROM historical_server_rankings ORDER BY rank"));
    return t;
  }

  /** What each table must hold for the events of {@code [from, to)} (all events when null). */
  public static Map<String, List<String>> expected(String jdbcUrl, @Nullable Instant from, @Nullable Instant to)
      throws Exception {
    String ev =
        "WITH ev AS (SELECT * FROM realtime_recent_changes"
            + (from == null ? "" : " WHERE event_time >= '" + from + "' AND event_time < '" + to + "'")
            + ")";
    String hourly =
        ", agg AS (SELECT date_trunc('hour', event_time, 'UTC') AS h, count(*) AS n, "
            + "sum(bytes_changed) AS b, count(*) FILTER (WHERE is_bot) AS bots, "
            + "count(*) FILTER (WHERE type = 'new') AS np, count(*) FILTER (WHERE type = 'edit') AS ed "
            + "FROM ev GROUP BY 1)";
    String bounds =
        from == null
            ? ", bounds AS (SELECT min(h) AS first_hour, max(h) AS last_hour FROM agg)"
            : ", bounds AS (SELECT date_trunc('hour', '" + from + "'::timestamptz, 'UTC') AS first_hour, "
                + "date_trunc('hour', '" + to + "'::timestamptz - interval '1 millisecond', 'UTC') AS last_hour)";
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("historical_hourly_patterns", TestServices.queryRows(jdbcUrl, ev + hourly
        + " SELECT h, n, b, b::float8 / n, bots, n - bots FROM agg ORDER BY h"));
    t.put("historical_hourly_trends", TestServices.queryRows(jdbcUrl, ev + hourly + bounds
        + ", hours AS (SELECT generate_series(first_hour, last_hour, interval '1 hour') AS h FROM bounds)"
        + ", filled AS (SELECT hours.h, coalesce(n, 0) AS n, coalesce(b, 0) AS b, coalesce(bots, 0) AS bots, "
        + "coalesce(np, 0) AS np, coalesce(ed, 0) AS ed FROM hours LEFT JOIN agg USING (h))"
        + " SELECT h, n, b, bots, np, ed, (sum(n) OVER w)::float8 / count(*) OVER w, "
        + "(sum(b) OVER w)::float8 / count(*) OVER w FROM filled "
        + "WINDOW w AS (ORDER BY h ROWS BETWEEN 23 PRECEDING AND CURRENT ROW) ORDER BY h"));
    t.put("historical_top_contributors", TestServices.queryRows(jdbcUrl, ev
        + " SELECT user_name, is_bot, count(*), sum(bytes_changed), count(*) FILTER (WHERE type = 'new') "
        + "FROM ev WHERE user_name IS NOT NULL GROUP BY user_name, is_bot "
        + "ORDER BY count(*) DESC, user_name COLLATE \"C\", is_bot LIMIT 100"));
    t.put("historical_language_distribution", TestServices.queryRows(jdbcUrl, ev
        + " SELECT language, project, count(*), sum(bytes_changed), count(*) FILTER (WHERE is_bot), "
        + "count(*) FILTER (WHERE type = 'new') FROM ev GROUP BY language, project "
        + "ORDER BY language COLLATE \"C\", project COLLATE \"C\""));
    t.put("historical_server_rankings", TestServices.queryRows(jdbcUrl, ev
        + ", s AS (SELECT server_name, min(language) AS language, min(project) AS project, "
        + "count(*) AS edit_count, sum(bytes_changed) AS total_bytes, count(DISTINCT user_name) AS unique_users "
        + "FROM ev GROUP BY server_name)"
        + " SELECT server_name, language, project, edit_count, total_bytes, unique_users, "
        + "row_number() OVER (ORDER BY edit_count DESC, server_name COLLATE \"C\") AS r, "
        + "percent_rank() OVER (ORDER BY edit_count DESC) FROM s ORDER BY r LIMIT 50"));
    return t;
  }

  /** Every row of every table equals the reference for {@code [from, to)}; none is empty. */
  public static void assertTablesMatch(String jdbcUrl, @Nullable Instant from, @Nullable Instant to)
      throws Exception {
    Map<String, List<String>> expected = expected(jdbcUrl, from, to);
    Map<String, List<String>> actual = tables(jdbcUrl);
    for (String table : expected.keySet()) {
      assertFalse(expected.get(table).isEmpty(), table + ": the reference is empty");
      assertEquals(expected.get(table), actual.get(table), table);
    }
  }
}
