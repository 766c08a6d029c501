package org.wikipulse.serving;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.wikipulse.common.Settings;
import org.wikipulse.sql.Databases;
import org.wikipulse.sql.Migrate;

/**
 * Known, realistic-looking data for the dashboard, relative to a given "now": 190 minutes of raw
 * events on 14 wikis (with the per-minute rollups derived from them exactly as the speed layer
 * counts), a spike on fr.wikipedia.org in the last minutes, 72 batch-layer hours ending two hours
 * before the current one, the batch layer's rankings, and its run log. Titles and user names include markup, so
 * a page that renders data as HTML shows it. Deterministic (fixed random seed) apart from "now".
 *
 * <p>Writes: every real-time and historical table, {@code batch_runs} and {@code dead_letters} of the
 * connection's database. {@link #main} seeds {@code $WIKIPULSE_JDBC_URL} for a look by hand:
 * <pre>{@code java -cp serving/target/test-classes:... org.wikipulse.serving.DashboardFixture}</pre>
 */
final class DashboardFixture {
  static final String XSS_TITLE = "<img src=x onerror=\"document.title='pwned'\"> & \"Quotes\"";
  static final String XSS_USER = "<script>window.pwned=1</script>";
  static final String SPIKING_SERVER = "fr.wikipedia.org";
  static final int BATCH_HOURS = 72;

  /** One seeded raw event (what the tests need of it). */
  record Event(Instant time, String server, boolean bot, Integer namespace, String type, long lengthDiff) {
    Instant minute() {
      return time.truncatedTo(ChronoUnit.MINUTES);
    }
  }

  private static final String[][] SERVERS = {
    // server, per-minute rate, bot share (%)
    {"en.wikipedia.org", "24", "12"},
    {"www.wikidata.org", "18", "80"},
    {"commons.wikimedia.org", "9", "30"},
    {"de.wikipedia.org", "7", "10"},
    {"ja.wikipedia.org", "5", "8"},
    {"es.wikipedia.org", "4", "10"},
    {"ru.wikipedia.org", "4", "12"},
    {"it.wikipedia.org", "3", "10"},
    {"zh.wikipedia.org", "3", "15"},
    {SPIKING_SERVER, "2", "10"},
    {"pt.wikipedia.org", "2", "10"},
    {"pl.wikipedia.org", "2", "10"},
    {"nl.wikipedia.org", "1", "20"},
    {"sv.wikipedia.org", "1", "40"},
  };

  private static final String[] TITLES = {
    "2026 FIFA World Cup", "Artificial intelligence", XSS_TITLE, "Deaths in 2026", "Taylor Swift",
    "List of largest cities", "Climate change", "Main Page", "Python (programming language)",
    "Moon", "Apache Beam", "PostgreSQL", "Mount Everest", "Photosynthesis", "Roman Empire",
    "Quantum computing", "Marie Curie", "Amazon River", "Jazz", "Tokyo", "Byzantine Empire",
    "Black hole", "Olympic Games", "Leonardo da Vinci", "Solar System", "Antarctica",
    "Ada Lovelace", "Linux kernel", "Great Barrier Reef", "Printing press",
  };

  private static final String[] HUMANS = {
    XSS_USER, "Ironholds", "Materialscientist", "Koavf", "BlueMoonset", "Rosiestep", "Drmies",
    "Cullen328", "Pharos", "Ymblanter", "Ritchie333", "Jmabel", "Hike395", "Headbomb",
    "Johnbod", "Nikkimaria", "Tamzin", "Dr. Blofeld", "Liz", "Mathglot", "Edwardx", "SandyGeorgia",
    "Ser Amantio di Nicolao", "Onel5969", "Donner60", "Bearcat", "Marcocapelle", "Yngvadottir",
    "Graham87", "DuncanHill", "Certes", "Narky Blert", "Kusma", "Schwede66", "Gog the Mild",
    "Vami IV", "Hawkeye7", "Iazyges", "Eddie891", "AirshipJungleman29",
  };

  private static final String[] BOTS = {
    "KrBot", "Cewbot", "InternetArchiveBot", "Citation bot", "ClueBot NG", "DeltaBot", "SuccuBot",
    "MatSuBot", "Emijrpbot", "AnomieBOT", "PLbot",
  };

  private final Instant now;
  private final List<Event> events = new ArrayList<>();

  private DashboardFixture(Instant now) {
    this.now = now;
  }

  Instant now() {
    return now;
  }

  List<Event> events() {
    return events;
  }

  /**
   * Events the API counts for a window of {@code minutes} ending at {@code at}: minute buckets in
   * [truncate(at) - (minutes - 1), truncate(at)], as RealtimeQuery defines the window.
   */
  long eventsInWindow(Instant at, int minutes, Predicate<Event> filter) {
    Instant last = at.truncatedTo(ChronoUnit.MINUTES);
    Instant first = last.minus(minutes - 1L, ChronoUnit.MINUTES);
    return events.stream()
        .filter(e -> !e.minute().isBefore(first) && !e.minute().isAfter(last))
        .filter(filter)
        .count();
  }

  long bytesInWindow(Instant at, int minutes, Predicate<Event> filter) {
    Instant last = at.truncatedTo(ChronoUnit.MINUTES);
    Instant first = last.minus(minutes - 1L, ChronoUnit.MINUTES);
    return events.stream()
        .filter(e -> !e.minute().isBefore(first) && !e.minute().isAfter(last))
        .filter(filter)
        .mapToLong(e -> Math.abs(e.lengthDiff()))
        .sum();
  }

  /** Seeds the database behind {@code c} (a migrated, empty schema), relative to {@code now}. */
  static DashboardFixture seed(Connection c, Instant now) throws SQLException {
    DashboardFixture f = new DashboardFixture(now);
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      f.seedRealtime(c);
      f.seedHistorical(c);
      c.commit();
    } finally {
      c.setAutoCommit(autoCommit);
    }
    return f;
  }

  private void seedRealtime(Connection c) throws SQLException {
    Random rnd = new Random(20261129L);
    Instant current = now.truncatedTo(ChronoUnit.MINUTES);
    long id = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO realtime_recent_changes (event_id, event_time, type, namespace, title, user_name, "
                + "server_name, wiki, language, project, is_bot, is_minor, is_new_page, length_diff, "
                + "bytes_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int ago = 190; ago >= 0; ago--) {
        Instant minute = current.minus(ago, ChronoUnit.MINUTES);
        double wave = 1 + 0.25 * Math.sin(ago / 9.0) + 0.1 * Math.sin(ago / 2.3);
        for (String[] s : SERVERS) {
          String server = s[0];
          double rate = Integer.parseInt(s[1]) * wave;
          if (server.equals(SPIKING_SERVER) && ago <= 6) {
            rate = 36; // a burst: far above its ~2 a minute of the hours before
          }
          int n = (int) Math.round(rate * (0.75 + 0.5 * rnd.nextDouble()));
          if (ago == 0) {
            // The current minute is still filling: only its elapsed part.
            n = (int) Math.round(n * Math.min(1.0, Duration.between(minute, now).toMillis() / 60_000.0));
          }
          for (int i = 0; i < n; i++) {
            long maxMillis = ago == 0 ? Math.max(1, Duration.between(minute, now).toMillis() - 1) : 60_000;
            Instant time = minute.plusMillis((long) (rnd.nextDouble() * maxMillis));
            boolean bot = rnd.nextInt(100) < Integer.parseInt(s[2]);
            int t = rnd.nextInt(100);
            String type = t < 85 ? "edit" : t < 93 ? "new" : "log";
            Integer namespace = namespace(server, type, rnd);
            long diff = lengthDiff(type, rnd);
            String title = server.equals("www.wikidata.org")
                ? "Q" + (42 + zipf(rnd, 400) * 7919)
                : TITLES[zipf(rnd, TITLES.length)];
            String user = bot ? BOTS[zipf(rnd, BOTS.length)] : HUMANS[zipf(rnd, HUMANS.length)];
            String[] labels = server.split("\\.");
            ps.setString(1, "it-" + id++);
            ps.setTimestamp(2, Timestamp.from(time));
            ps.setString(3, type);
            if (namespace == null) {
              ps.setNull(4, java.sql.Types.INTEGER);
            } else {
              ps.setInt(4, namespace);
            }
            ps.setString(5, title);
            ps.setString(6, user);
            ps.setString(7, server);
            ps.setString(8, labels[0] + labels[1]);
            ps.setString(9, labels[0]);
            ps.setString(10, labels[1]);
            ps.setBoolean(11, bot);
            ps.setBoolean(12, rnd.nextInt(4) == 0);
            ps.setBoolean(13, type.equals("new"));
            ps.setLong(14, diff);
            ps.setLong(15, Math.abs(diff));
            ps.addBatch();
            events.add(new Event(time, server, bot, namespace, type, diff));
          }
        }
        ps.executeBatch();
      }
    }
    String severity =
        "CASE WHEN bytes_changed > 1000 THEN 'MAJOR' WHEN bytes_changed > 100 THEN 'MODERATE' ELSE 'MINOR' END";
    try (Statement st = c.createStatement()) {
      // The speed layer's per-minute counts, derived from the raw rows (minute = window start, UTC).
      st.execute("SET TIME ZONE 'UTC'");
      st.execute(
          "INSERT INTO realtime_minute_rollups (minute, server_name, language, project, namespace, type, "
              + "is_bot, severity, event_count, total_bytes, bytes_added, bytes_removed) "
              + "SELECT date_trunc('minute', event_time), server_name, min(language), min(project), namespace, "
              + "type, is_bot, " + severity + ", count(*), sum(bytes_changed), sum(greatest(length_diff, 0)), "
              + "sum(greatest(-length_diff, 0)) FROM realtime_recent_changes "
              + "GROUP BY date_trunc('minute', event_time), server_name, namespace, type, is_bot, " + severity);
      st.execute(
          "INSERT INTO realtime_minute_pages (minute, server_name, title, namespace, type, is_bot, event_count, "
              + "total_bytes) SELECT date_trunc('minute', event_time), server_name, title, namespace, type, "
              + "is_bot, count(*), sum(bytes_changed) FROM realtime_recent_changes "
              + "GROUP BY date_trunc('minute', event_time), server_name, title, namespace, type, is_bot");
      st.execute(
          "INSERT INTO realtime_minute_users (minute, server_name, user_name, namespace, type, is_bot, "
              + "event_count, total_bytes) SELECT date_trunc('minute', event_time), server_name, user_name, "
              + "namespace, type, is_bot, count(*), sum(bytes_changed) FROM realtime_recent_changes "
              + "GROUP BY date_trunc('minute', event_time), server_name, user_name, namespace, type, is_bot");
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dead_letters (record_key, stage, error, payload, failed_at) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = 0; i < 3; i++) {
        ps.setString(1, "it-dead-" + i);
        ps.setString(2, "ParseRecentChange");
        ps.setString(3, "not a JSON object");
        ps.setString(4, "{garbage " + i);
        ps.setTimestamp(5, Timestamp.from(now.minus(10L + 7 * i, ChronoUnit.MINUTES)));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static Integer namespace(String server, String type, Random rnd) {
    if (type.equals("log")) {
      return rnd.nextBoolean() ? 2 : -1;
    }
    if (server.equals("www.wikidata.org")) {
      int r = rnd.nextInt(100);
      return r < 85 ? 0 : r < 93 ? 120 : r < 97 ? 146 : 1;
    }
    if (server.equals("commons.wikimedia.org")) {
      return rnd.nextInt(100) < 75 ? 6 : 14;
    }
    int r = rnd.nextInt(100);
    return r < 66 ? 0 : r < 74 ? 1 : r < 82 ? 2 : r < 86 ? 3 : r < 90 ? 4 : r < 94 ? 14 : r < 97 ? 10 : r < 99 ? 118 : 828;
  }

  private static long lengthDiff(String type, Random rnd) {
    if (type.equals("log")) {
      return 0;
    }
    if (type.equals("new")) {
      return Math.round(Math.exp(6.5 + rnd.nextGaussian()));
    }
    if (rnd.nextInt(20) == 0) {
      return 0;
    }
    long size = Math.max(1, Math.round(Math.exp(4.3 + 1.7 * rnd.nextGaussian())));
    return rnd.nextInt(100) < 62 ? size : -size;
  }

  /** An index in [0, n) with Zipf-like weights (index 0 the most likely). */
  private static int zipf(Random rnd, int n) {
    double h = 0;
    for (int i = 1; i <= n; i++) {
      h += 1.0 / i;
    }
    double x = rnd.nextDouble() * h;
    for (int i = 1; i <= n; i++) {
      x -= 1.0 / i;
      if (x <= 0) {
        return i - 1;
      }
    }
    return n - 1;
  }

  /**
   * The first hour the real-time tables serve: the batch layer's range ends two hours before the
   * current one, so the 190 minutes of raw events cover every real-time hour from its start.
   */
  Instant seam() {
    return now.truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
  }

  private void seedHistorical(Connection c) throws SQLException {
    Random rnd = new Random(7L);
    Instant seam = seam();
    Instant first = seam.minus(BATCH_HOURS, ChronoUnit.HOURS);
    long[] events = new long[BATCH_HOURS];
    long[] bytes = new long[BATCH_HOURS];
    long eventsRead = 0;
    try (PreparedStatement trends =
            c.prepareStatement(
                "INSERT INTO historical_hourly_trends (hour_bucket, total_events, total_bytes, bot_count, "
                    + "new_pages, edits, events_24h_avg, bytes_24h_avg) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement patterns =
            c.prepareStatement(
                "INSERT INTO historical_hourly_patterns (hour_bucket, total_events, total_bytes, avg_bytes, "
                    + "bot_events, human_events) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < BATCH_HOURS; i++) {
        Instant hour = first.plus(i, ChronoUnit.HOURS);
        int utcHour = hour.atZone(java.time.ZoneOffset.UTC).getHour();
        double diurnal = 1 + 0.3 * Math.sin(2 * Math.PI * (utcHour - 9) / 24.0);
        events[i] = Math.round(5100 * diurnal * (0.9 + 0.2 * rnd.nextDouble()));
        bytes[i] = Math.round(events[i] * (480 + 120 * rnd.nextDouble()));
        eventsRead += events[i];
        long bots = Math.round(events[i] * (0.22 + 0.1 * rnd.nextDouble()));
        double eAvg = 0;
        double bAvg = 0;
        int from = Math.max(0, i - 23);
        for (int j = from; j <= i; j++) {
          eAvg += events[j];
          bAvg += bytes[j];
        }
        eAvg /= i - from + 1;
        bAvg /= i - from + 1;
        trends.setTimestamp(1, Timestamp.from(hour));
        trends.setLong(2, events[i]);
        trends.setLong(3, bytes[i]);
        trends.setLong(4, bots);
        trends.setLong(5, events[i] / 14);
        trends.setLong(6, events[i] - events[i] / 14 - events[i] / 20);
        trends.setDouble(7, eAvg);
        trends.setDouble(8, bAvg);
        trends.addBatch();
        patterns.setTimestamp(1, Timestamp.from(hour));
        patterns.setLong(2, events[i]);
        patterns.setLong(3, bytes[i]);
        patterns.setDouble(4, bytes[i] / (double) events[i]);
        patterns.setLong(5, bots);
        patterns.setLong(6, events[i] - bots);
        patterns.addBatch();
      }
      trends.executeBatch();
      patterns.executeBatch();
    }

    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO historical_language_distribution (language, project, edit_count, total_bytes, "
                + "bot_edits, new_pages) VALUES (?, ?, ?, ?, ?, ?)")) {
      String[][] langs = {
        {"en", "wikipedia"}, {"www", "wikidata"}, {"commons", "wikimedia"}, {"de", "wikipedia"},
        {"fr", "wikipedia"}, {"ja", "wikipedia"}, {"es", "wikipedia"}, {"ru", "wikipedia"},
        {"it", "wikipedia"}, {"zh", "wikipedia"}, {"pt", "wikipedia"}, {"pl", "wikipedia"},
        {"nl", "wikipedia"}, {"sv", "wikipedia"}, {"uk", "wikipedia"}, {"ar", "wikipedia"},
        {"fa", "wikipedia"}, {"en", "wiktionary"}, {"he", "wikipedia"}, {"ko", "wikipedia"},
        {"id", "wikipedia"}, {"tr", "wikipedia"}, {"cs", "wikipedia"}, {"fi", "wikipedia"},
        {"vi", "wikipedia"},
      };
      for (int i = 0; i < langs.length; i++) {
        long n = Math.round(eventsRead * 0.3 / Math.pow(i + 1, 0.95));
        ps.setString(1, langs[i][0]);
        ps.setString(2, langs[i][1]);
        ps.setLong(3, n);
        ps.setLong(4, n * (400 + 37L * i));
        ps.setLong(5, Math.round(n * (langs[i][1].equals("wikidata") ? 0.8 : 0.15)));
        ps.setLong(6, n / 25);
        ps.addBatch();
      }
      ps.executeBatch();
    }

    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO historical_server_rankings (server_name, language, project, edit_count, total_bytes, "
                + "unique_users, rank, percentile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      String[] servers = {
        "en.wikipedia.org", "www.wikidata.org", "commons.wikimedia.org", "de.wikipedia.org",
        "fr.wikipedia.org", "ja.wikipedia.org", "es.wikipedia.org", "ru.wikipedia.org", "it.wikipedia.org",
        "zh.wikipedia.org", "pt.wikipedia.org", "pl.wikipedia.org", "nl.wikipedia.org", "sv.wikipedia.org",
        "uk.wikipedia.org", "ar.wikipedia.org", "fa.wikipedia.org", "en.wiktionary.org", "he.wikipedia.org",
        "ko.wikipedia.org",
      };
      int allServers = 842;
      for (int i = 0; i < servers.length; i++) {
        long n = Math.round(eventsRead * 0.3 / Math.pow(i + 1, 0.95));
        String[] labels = servers[i].split("\\.");
        ps.setString(1, servers[i]);
        ps.setString(2, labels[0]);
        ps.setString(3, labels[1]);
        ps.setLong(4, n);
        ps.setLong(5, n * (420 + 31L * i));
        ps.setLong(6, Math.max(3, Math.round(n / (servers[i].contains("wikidata") ? 180.0 : 11.0 + i))));
        ps.setInt(7, i + 1);
        ps.setDouble(8, i / (double) (allServers - 1));
        ps.addBatch();
      }
      ps.executeBatch();
    }

    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO historical_top_contributors (user_name, is_bot, edit_count, total_bytes, pages_created) "
                + "VALUES (?, ?, ?, ?, ?)")) {
      List<String[]> users = new ArrayList<>();
      for (String b : BOTS) {
        users.add(new String[] {b, "true"});
      }
      for (String h : HUMANS) {
        users.add(new String[] {h, "false"});
      }
      for (int i = 0; users.size() < 60; i++) {
        users.add(new String[] {"Editor " + (1000 + i * 37), "false"});
      }
      // Interleave bots and humans in the ranking.
      java.util.Collections.shuffle(users, new Random(3L));
      for (int i = 0; i < users.size(); i++) {
        long n = Math.round(9000 / Math.pow(i + 1, 0.8));
        ps.setString(1, users.get(i)[0]);
        ps.setBoolean(2, Boolean.parseBoolean(users.get(i)[1]));
        ps.setLong(3, n);
        ps.setLong(4, n * (150 + 13L * i));
        ps.setLong(5, n / (7 + i % 5));
        ps.addBatch();
      }
      ps.executeBatch();
    }

    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO batch_runs (range_from, range_to, events_read, duplicates_dropped, started_at, "
                + "finished_at, status, runner, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      Instant failedStart = now.minus(26, ChronoUnit.HOURS);
      ps.setTimestamp(1, Timestamp.from(first.minus(24, ChronoUnit.HOURS)));
      ps.setTimestamp(2, Timestamp.from(seam.minus(24, ChronoUnit.HOURS)));
      ps.setNull(3, java.sql.Types.BIGINT);
      ps.setNull(4, java.sql.Types.BIGINT);
      ps.setTimestamp(5, Timestamp.from(failedStart));
      ps.setTimestamp(6, Timestamp.from(failedStart.plusSeconds(95)));
      ps.setString(7, "failed");
      ps.setString(8, "spark");
      ps.setString(9, "lake unreachable: connection refused");
      ps.addBatch();
      Instant okStart = now.minus(110, ChronoUnit.MINUTES); // after the end of its range
      ps.setTimestamp(1, Timestamp.from(first));
      ps.setTimestamp(2, Timestamp.from(seam));
      ps.setLong(3, eventsRead + 1234);
      ps.setLong(4, 1234);
      ps.setTimestamp(5, Timestamp.from(okStart));
      ps.setTimestamp(6, Timestamp.from(okStart.plusSeconds(412)));
      ps.setString(7, "succeeded");
      ps.setString(8, "spark");
      ps.setNull(9, java.sql.Types.VARCHAR);
      ps.addBatch();
      ps.executeBatch();
    }
  }

  /** Seeds $WIKIPULSE_JDBC_URL (created and migrated if needed; its tables must be empty) for a look. */
  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromEnvironment();
    Migrate.migrate(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
    try (Connection c = Databases.connect(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword())) {
      DashboardFixture f = seed(c, Instant.now());
      System.out.println("seeded " + f.events.size() + " events into " + settings.jdbcUrl());
    }
  }
}
