package org.wikipulse.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wikipulse.jdbc.RecentChangesStatement;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.WriteLakeParquet;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.sql.Databases;
import org.wikipulse.testing.HistoricalReference;
import org.wikipulse.testing.TestServices;

/**
 * The batch layer end to end on the DirectRunner against the real S3 server and PostgreSQL: 60
 * hand-made events over a month boundary, written to the lake twice (as after a streaming restart)
 * and once into {@code realtime_recent_changes} for the SQL reference. Covers the whole lake, a
 * range, an empty range, a failed read and a swap that fails halfway.
 */
class BatchLayerIT {
  private static final long pid = ProcessHandle.current().pid();
  private static final List<String> USERS = List.of("Alice", "Bob", "Émile", "日本語の利用者", "\uD835\uDC9Clpha", "Zoë");
  private static final List<String> SERVERS =
      List.of("en.wikipedia.org", "de.wikipedia.org", "www.wikidata.org", "en.wiktionary.org", "ja.wikipedia.org");
  private static final List<String> TYPES = List.of("edit", "edit", "new", "log", "edit");
  private static String jdbcUrl;
  private static String lake;
  private static List<WikiEvent> events;

  @BeforeAll
  static void fillLakeAndReference() throws Exception {
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_batch_" + pid);
    lake = TestServices.lake("it-batch-" + pid);
    // 60 events from 2026-01-31T22:00Z, 7 minutes apart (some land exactly on an hour), over 2 months.
    events = new ArrayList<>();
    Instant start = Instant.parse("2026-01-31T22:00:00Z");
    for (int i = 0; i < 60; i++) {
      String server = SERVERS.get(i % SERVERS.size());
      String time = start.plus(Duration.standardMinutes(7L * i)).toString();
      WikiEvent e = TestEvents.event("it-" + i, time, TYPES.get(i % TYPES.size()), server,
          i % 11 == 0 ? null : USERS.get((i / 4) % USERS.size()), i % 3 == 0, (i * 37) % 500 - 250);
      events.add(e);
    }
    writeLake(lake, events);
    writeLake(lake, events); // every event twice, in other files
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(RecentChangesStatement.SQL)) {
      new RecentChangesStatement().setParameters(KV.of(0, events), ps);
      assertEquals(60, ps.executeUpdate());
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    TestServices.dropDatabase(jdbcUrl);
  }

  private static Connection connect() throws Exception {
    return Databases.connect(jdbcUrl, TestServices.SETTINGS.dbUser(), TestServices.SETTINGS.dbPassword());
  }

  private static BatchLayerOptions lakeOptions(String lakeRoot) {
    BatchLayerOptions o = PipelineOptionsFactory.as(BatchLayerOptions.class);
    o.setLake(lakeRoot);
    LakeFileSystem.configure(o);
    return o;
  }

  private static void writeLake(String lakeRoot, List<WikiEvent> lakeEvents) throws Exception {
    Pipeline p = Pipeline.create(lakeOptions(lakeRoot));
    p.apply(Create.of(lakeEvents).withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
        .apply(new WriteLakeParquet(lakeRoot, Duration.standardMinutes(1), 1));
    assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
  }

  private static int batch(String... args) {
    return batchOn(lake, args);
  }

  private static int batchOn(String lakeRoot, String... args) {
    List<String> all = new ArrayList<>(List.of("--jdbcUrl=" + jdbcUrl, "--lake=" + lakeRoot));
    all.addAll(List.of(args));
    return BatchLayerPipeline.runCli(all.toArray(new String[0]));
  }

  private static List<String> lastRun() throws Exception {
    return TestServices.queryRows(jdbcUrl,
        "SELECT status, events_read, duplicates_dropped, range_from, range_to, runner, message "
            + "FROM batch_runs ORDER BY run_id DESC LIMIT 1");
  }

  private static long staged() throws Exception {
    long n = 0;
    for (HistoricalTable<?> t : HistoricalTable.ALL) {
      n += TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM " + t.staging());
    }
    return n;
  }

  @Test
  void theWholeLakeMatchesTheReferenceDuplicatesAreDroppedAndARerunChangesNothing() throws Exception {
    assertEquals(0, batch("--all"));

    HistoricalReference.assertTablesMatch(jdbcUrl, null, null);
    List<String> run = lastRun();
    assertEquals("succeeded|120|60|null|null|DirectRunner", run.get(0).substring(0, run.get(0).lastIndexOf('|')));
    assertEquals(
        "replaced historical_hourly_patterns=7, historical_hourly_trends=7, historical_top_contributors=12, "
            + "historical_language_distribution=5, historical_server_rankings=5",
        run.get(0).substring(run.get(0).lastIndexOf('|') + 1));
    assertEquals(List.of("60|" + events.stream().mapToLong(e -> e.bytesChanged).sum()),
        TestServices.queryRows(jdbcUrl, "SELECT sum(total_events), sum(total_bytes) FROM historical_hourly_trends"));
    assertEquals(0, staged());

    Map<String, List<String>> first = HistoricalReference.tables(jdbcUrl);
    assertEquals(0, batch("--all"));
    assertEquals(first, HistoricalReference.tables(jdbcUrl));
  }

  @Test
  void aRangeCountsOnlyItsEventsAndHasARowForEachOfItsHours() throws Exception {
    // [23:30, 02:30): hours 23, 00, 01 and 02, in two lake partitions.
    assertEquals(0, batch("--from", "2026-01-31T23:30:00Z", "--to", "2026-02-01T02:30:00Z"));

    HistoricalReference.assertTablesMatch(
        jdbcUrl, Instant.parse("2026-01-31T23:30:00Z"), Instant.parse("2026-02-01T02:30:00Z"));
    assertEquals(
        List.of("2026-01-31 23:00:00+00", "2026-02-01 00:00:00+00", "2026-02-01 01:00:00+00", "2026-02-01 02:00:00+00"),
        TestServices.queryRows(jdbcUrl, "SELECT hour_bucket FROM historical_hourly_trends ORDER BY 1"));
    long inRange = events.stream()
        .filter(e -> !e.eventTime.isBefore(Instant.parse("2026-01-31T23:30:00Z"))
            && e.eventTime.isBefore(Instant.parse("2026-02-01T02:30:00Z")))
        .count();
    assertEquals(26, inRange);
    assertTrue(lastRun().get(0).startsWith("succeeded|52|26|2026-01-31 23:30:00+00|2026-02-01 02:30:00+00|DirectRunner|"));
  }

  @Test
  void anEmptyRangeIsNoErrorAndLeavesTheTablesAsTheyWere() throws Exception {
    assertEquals(0, batch("--all"));
    Map<String, List<String>> before = HistoricalReference.tables(jdbcUrl);

    assertEquals(0, batch("--from=2001-01-01", "--to=2001-02-01"));

    assertEquals(before, HistoricalReference.tables(jdbcUrl));
    assertEquals(
        "succeeded|0|0|2001-01-01 00:00:00+00|2001-02-01 00:00:00+00|DirectRunner|"
            + "no events in the range: the historical tables were left as they were",
        lastRun().get(0));
  }

  @Test
  void aRunThatCannotReadTheLakeFailsWithItsReasonAndKeepsThePreviousTables() throws Exception {
    assertEquals(0, batch("--all"));
    Map<String, List<String>> before = HistoricalReference.tables(jdbcUrl);
    String broken = TestServices.lake("it-batch-broken-" + pid);
    writeLake(broken, events.subList(0, 5));
    FileSystems.setDefaultPipelineOptions(lakeOptions(broken));
    String corrupt = LakeFileSystem.rawEventsRoot(broken) + "/year=2026/month=02/corrupt.parquet";
    try (WritableByteChannel out =
        FileSystems.create(FileSystems.matchNewResource(corrupt, false), "application/octet-stream")) {
      out.write(ByteBuffer.wrap("not a parquet file".getBytes(StandardCharsets.UTF_8)));
    }

    assertEquals(1, batchOn(broken, "--all"));

    assertEquals(before, HistoricalReference.tables(jdbcUrl));
    String run = lastRun().get(0);
    assertTrue(run.startsWith("failed|null|null|null|null|DirectRunner|"), run);
    assertTrue(run.contains("corrupt.parquet"), run);
    assertEquals(0, staged());
  }

  @Test
  void aSwapThatFailsAtTheLastTableRollsBackAllFive() throws Exception {
    assertEquals(0, batch("--all"));
    Map<String, List<String>> before = HistoricalReference.tables(jdbcUrl);
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
      s.execute("CREATE TRIGGER refuse BEFORE INSERT ON historical_server_rankings "
          + "FOR EACH ROW EXECUTE FUNCTION refuse()");
    }
    try {
      // The last table of the swap refuses its rows after the other four were replaced.
      assertEquals(1, batch("--from=2026-02-01T00:00:00Z", "--to=2026-02-01T03:00:00Z"));
    } finally {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER refuse ON historical_server_rankings");
        s.execute("DROP FUNCTION refuse()");
      }
    }

    assertEquals(before, HistoricalReference.tables(jdbcUrl));
    String run = lastRun().get(0);
    assertTrue(run.startsWith("failed|null|null|2026-02-01 00:00:00+00|2026-02-01 03:00:00+00|DirectRunner|"), run);
    assertTrue(run.contains("refused by the test"), run);
    assertEquals(0, staged());
  }

  @Test
  void wrongFlagsExitWithTwoAndRecordNoRun() throws Exception {
    long runs = TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM batch_runs");
    assertEquals(2, batch("--days=0"));
    assertEquals(2, batch("--all", "--days=2"));
    assertEquals(2, batch("--from=2026-01-01"));
    assertEquals(runs, TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM batch_runs"));
  }
}
