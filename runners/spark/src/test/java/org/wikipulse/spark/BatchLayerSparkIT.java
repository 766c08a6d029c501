package org.wikipulse.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.batch.BatchLayerPipeline;
import org.wikipulse.batch.BatchRuns;
import org.wikipulse.batch.HistoricalTable;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.speed.SpeedLayerOptions;
import org.wikipulse.speed.SpeedLayerPipeline;
import org.wikipulse.testing.HistoricalReference;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * The batch layer on the SparkRunner (local[2], in-process) over the lake the speed layer wrote
 * from the real recorded sample: every row of the five tables must equal an independent SQL
 * computation over {@code realtime_recent_changes}, which the same speed run filled. The lake
 * files are then copied once more, as a streaming restart that re-reads Kafka leaves them, so
 * every event is in the lake twice and the batch must drop 5,997 duplicates.
 */
class BatchLayerSparkIT {
  private static final Logger LOG = LoggerFactory.getLogger(BatchLayerSparkIT.class);
  private static final List<Process> CHILDREN = new ArrayList<>();
  private static final long pid = ProcessHandle.current().pid();
  private static final int SAMPLE_RECORDS = 6129;
  private static final long KEPT_EVENTS = 5997;
  private static String jdbcUrl;
  private static String lake;

  @BeforeAll
  static void streamTheSampleIntoTheLake() throws Exception {
    System.setProperty("spark.ui.enabled", "false");
    String topic = "it-batch-spark-" + pid;
    TestServices.createTopic(topic, 3);
    jdbcUrl = TestServices.freshDatabase("wikipulse_it_batch_spark_" + pid);
    lake = TestServices.lake("it-batch-spark-" + pid);
    List<String> lines = SampleData.allLines();
    List<byte[]> values = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String line : lines) {
      values.add(line.getBytes(StandardCharsets.UTF_8));
      keys.add(RecentChangeParser.parse(line).serverName);
    }
    TestServices.produce(topic, values, keys);
    assertEquals(SAMPLE_RECORDS, values.size());

    SpeedLayerOptions speed = PipelineOptionsFactory.as(SpeedLayerOptions.class);
    speed.setRunner(org.apache.beam.runners.direct.DirectRunner.class);
    speed.setKafkaBootstrap(TestServices.kafka());
    speed.setTopic(topic);
    speed.setConsumerGroup("it-batch-spark");
    speed.setMaxRecords(SAMPLE_RECORDS);
    speed.setJdbcUrl(jdbcUrl);
    speed.setLake(lake);
    assertEquals(PipelineResult.State.DONE, SpeedLayerPipeline.run(speed).waitUntilFinish());
    assertEquals(KEPT_EVENTS, TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes"));

    // A restart that re-read the topic would have written every event again, in files of its own.
    FileSystems.setDefaultPipelineOptions(speed);
    MatchResult files = FileSystems.match(LakeFileSystem.rawEventsRoot(lake) + "/year=*/month=*/*.parquet");
    List<ResourceId> from = new ArrayList<>();
    List<ResourceId> to = new ArrayList<>();
    for (MatchResult.Metadata m : files.metadata()) {
      from.add(m.resourceId());
      to.add(m.resourceId().getCurrentDirectory().resolve(
          "restart-" + m.resourceId().getFilename(), org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions.RESOLVE_FILE));
    }
    assertEquals(
        Set.of("year=2018/month=03", "year=2019/month=03", "year=2024/month=11", "year=2025/month=05", "year=2026/month=02"),
        from.stream()
            .map(r -> r.toString().replaceAll(".*/raw_events/(year=\\d+/month=\\d+)/.*", "$1"))
            .collect(java.util.stream.Collectors.toSet()));
    FileSystems.copy(from, to);
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    CHILDREN.forEach(Process::destroyForcibly);
    TestServices.dropDatabase(jdbcUrl);
  }

  private static int sparkBatch(String lakeRoot, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("--runner=SparkRunner", "--sparkMaster=local[2]", "--jdbcUrl=" + jdbcUrl, "--lake=" + lakeRoot));
    all.addAll(List.of(args));
    return SparkBatchLayer.run(all.toArray(new String[0]));
  }

  private static String lastRun() throws Exception {
    return TestServices.queryRows(
            jdbcUrl,
            "SELECT status, events_read, duplicates_dropped, range_from, range_to, runner FROM batch_runs "
                + "ORDER BY run_id DESC LIMIT 1")
        .get(0);
  }

  private static final String COUNTS =
      "SELECT (SELECT count(*) FROM historical_hourly_patterns), (SELECT count(*) FROM historical_hourly_trends), "
          + "(SELECT count(*) FROM historical_top_contributors), (SELECT count(*) FROM historical_language_distribution), "
          + "(SELECT count(*) FROM historical_server_rankings), (SELECT sum(total_events) FROM historical_hourly_patterns)";

  @Test
  void theWholeLakeOnSparkMatchesTheReferenceAndAReRunIsIdenticalWhileReadersOnlySeeWholeTables() throws Exception {
    long started = System.nanoTime();
    assertEquals(0, sparkBatch(lake, "--all"));
    System.out.printf("batch --all on SparkRunner local[2]: %.1f s%n", (System.nanoTime() - started) / 1e9);

    assertEquals("succeeded|11994|5997|null|null|SparkRunner", lastRun());
    HistoricalReference.assertTablesMatch(jdbcUrl, null, null);
    // Known figures of the sample: 5,997 kept events changing 1,579,620 bytes, 2018-03-07 16h to 2026-02-26 15h.
    assertEquals(
        List.of("5997|1579620|2018-03-07 16:00:00+00|2026-02-26 15:00:00+00|69912"),
        TestServices.queryRows(jdbcUrl,
            "SELECT sum(total_events), sum(total_bytes), min(hour_bucket), max(hour_bucket), count(*) "
                + "FROM historical_hourly_trends"));
    assertEquals(100, TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM historical_top_contributors"));
    String counts = TestServices.queryRows(jdbcUrl, COUNTS).get(0);
    Map<String, List<String>> tables = HistoricalReference.tables(jdbcUrl);

    // Re-run the same range while a reader keeps counting the tables: it must only ever see these counts.
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  seen.add(TestServices.queryRows(jdbcUrl, COUNTS).get(0));
                } catch (Exception e) {
                  seen.add(e.toString());
                }
              }
            });
    reader.start();
    try {
      assertEquals(0, sparkBatch(lake, "--all"));
    } finally {
      done.set(true);
      reader.join();
    }
    assertEquals(Set.of(counts), seen);
    assertEquals(tables, HistoricalReference.tables(jdbcUrl));
  }

  @Test
  void aRangeOnSparkReadsOnlyItsPartitionsAndMatchesTheReference() throws Exception {
    Instant from = Instant.parse("2018-03-07T17:30:00Z");
    Instant to = Instant.parse("2024-11-12T00:00:00Z");
    assertEquals(0, sparkBatch(lake, "--from", from.toString(), "--to", to.toString()));

    HistoricalReference.assertTablesMatch(jdbcUrl, from, to);
    String run = lastRun();
    assertTrue(run.startsWith("succeeded|"), run);
    assertTrue(run.endsWith("|2018-03-07 17:30:00+00|2024-11-12 00:00:00+00|SparkRunner"), run);
  }

  @Test
  void aFailedSparkRunExitsNonZeroAndKeepsThePreviousTables() throws Exception {
    assertEquals(0, sparkBatch(lake, "--from=2025-05-01", "--to=2025-06-01"));
    Map<String, List<String>> before = HistoricalReference.tables(jdbcUrl);
    String broken = TestServices.lake("it-batch-spark-broken-" + pid);
    String corrupt = LakeFileSystem.rawEventsRoot(broken) + "/year=2025/month=05/truncated.parquet";
    try (WritableByteChannel out =
        FileSystems.create(FileSystems.matchNewResource(corrupt, false), "application/octet-stream")) {
      out.write(ByteBuffer.wrap("PAR1 and then nothing".getBytes(StandardCharsets.UTF_8)));
    }

    assertEquals(1, sparkBatch(broken, "--from=2025-05-01", "--to=2025-06-01"));

    assertEquals(before, HistoricalReference.tables(jdbcUrl));
    assertEquals("failed|null|null|2025-05-01 00:00:00+00|2025-06-01 00:00:00+00|SparkRunner", lastRun());
    assertTrue(
        TestServices.queryRows(jdbcUrl, "SELECT message FROM batch_runs ORDER BY run_id DESC LIMIT 1")
            .get(0)
            .contains("truncated.parquet is not a Parquet file"));
  }

  @Test
  void theShadedJarRunsTheBatchInAJvmOfItsOwnAsSparkSubmitWould() throws Exception {
    // What spark-submit gives the job: the bundled jar and Spark's own jars, nothing of Beam's from
    // outside the jar; so Beam's filesystems, coders and options registrars must come out of the
    // jar's merged service files.
    Path log = Path.of("target", "shaded-jar-run.log");
    Process p = startShadedJar(log, "--from=2024-11-01", "--to=2024-12-01");
    assertTrue(p.waitFor(8, TimeUnit.MINUTES), "the shaded jar's batch did not end in 8 min");
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), output);

    HistoricalReference.assertTablesMatch(
        jdbcUrl, Instant.parse("2024-11-01T00:00:00Z"), Instant.parse("2024-12-01T00:00:00Z"));
    String run = lastRun();
    assertTrue(run.startsWith("succeeded|"), run);
    assertTrue(run.endsWith("|2024-11-01 00:00:00+00|2024-12-01 00:00:00+00|SparkRunner"), run);
  }

  /**
   * Issue #8, fault 7: a batch run (the shaded jar in a JVM of its own) is killed with SIGKILL mid-way
   * — once it is computing, or as soon as it has staged rows. The historical tables keep the previous
   * complete results; the next run marks the killed one abandoned, and its own results are exact.
   */
  @Test
  void aBatchRunKilledMidwayLeavesThePreviousTablesAndTheNextRunMarksItAbandoned() throws Exception {
    assertEquals(0, sparkBatch(lake, "--from=2025-05-01", "--to=2025-06-01"));
    Map<String, List<String>> before = HistoricalReference.tables(jdbcUrl);

    Path log = Path.of("target", "killed-batch-run.log");
    Process p = startShadedJar(log, "--all");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    long runningSince = 0;
    long killedRun = -1;
    String killedWhen = null;
    while (killedWhen == null) {
      assertTrue(p.isAlive(), () -> "the batch ended before it could be killed:\n" + readLog(log));
      assertTrue(System.nanoTime() < deadline, () -> "the batch never started computing:\n" + readLog(log));
      List<String> running =
          TestServices.queryRows(jdbcUrl, "SELECT run_id FROM batch_runs WHERE status = 'running'");
      if (!running.isEmpty()) {
        killedRun = Long.parseLong(running.get(0));
        runningSince = runningSince == 0 ? System.nanoTime() : runningSince;
        if (stagedRows(killedRun) > 0) {
          killedWhen = "with rows staged";
        } else if (System.nanoTime() - runningSince > TimeUnit.SECONDS.toNanos(12)) {
          killedWhen = "computing (12 s after the run started)";
        }
      }
      Thread.sleep(50);
    }
    p.destroyForcibly().waitFor(); // SIGKILL: the JVM ends with no clean-up of any kind
    long killedAt = System.nanoTime();
    LOG.info("killed batch run {} {}", killedRun, killedWhen);

    assertEquals(before, HistoricalReference.tables(jdbcUrl), "the tables changed after the kill");
    assertEquals(
        List.of("running"),
        TestServices.queryRows(jdbcUrl, "SELECT status FROM batch_runs WHERE run_id = " + killedRun));

    try (java.sql.Connection c = org.wikipulse.sql.Databases.connect(
        jdbcUrl, TestServices.SETTINGS.dbUser(), TestServices.SETTINGS.dbPassword())) {
      // PostgreSQL ends the killed JVM's session (and frees its run lock) a moment after the kill.
      while (BatchRuns.isLockHeld(c, killedRun)) {
        assertTrue(System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(30), "the killed run's lock is still held");
        Thread.sleep(20);
      }
    }
    assertEquals(0, sparkBatch(lake, "--from=2025-05-01", "--to=2025-06-01"));
    double recovery = (System.nanoTime() - killedAt) / 1e9;
    assertEquals(
        List.of("failed|" + BatchRuns.ABANDONED),
        TestServices.queryRows(jdbcUrl, "SELECT status, message FROM batch_runs WHERE run_id = " + killedRun));
    assertEquals(0, stagedRows(killedRun), "the killed run's staged rows are gone");
    HistoricalReference.assertTablesMatch(
        jdbcUrl, Instant.parse("2025-05-01T00:00:00Z"), Instant.parse("2025-06-01T00:00:00Z"));
    System.out.printf("fault 7: batch run %d killed %s; the next run succeeded %.1f s after the kill%n",
        killedRun, killedWhen, recovery);
  }

  private static long stagedRows(long runId) throws Exception {
    long n = 0;
    for (HistoricalTable<?> t : HistoricalTable.ALL) {
      n += TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM " + t.staging() + " WHERE run_id = " + runId);
    }
    return n;
  }

  /** The bundled jar with Spark's own jars beside it, in a JVM of its own, as spark-submit runs it. */
  private static Process startShadedJar(Path log, String... args) throws Exception {
    Path target = Path.of("target");
    Path jar;
    try (Stream<Path> files = Files.list(target)) {
      jar = files.filter(f -> f.getFileName().toString().endsWith("-bundled.jar")).findFirst().orElseThrow();
    }
    String spark = Files.readString(target.resolve("classpath-provided.txt")).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(Files.readString(target.resolve("java-options.txt")).trim().split("\\s+")));
    command.addAll(
        List.of(
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dspark.ui.enabled=false",
            "-cp", jar.toAbsolutePath() + File.pathSeparator + spark,
            "org.wikipulse.spark.SparkBatchLayer", "--runner=SparkRunner", "--sparkMaster=local[2]",
            "--jdbcUrl=" + jdbcUrl, "--lake=" + lake));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    CHILDREN.add(p);
    return p;
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
