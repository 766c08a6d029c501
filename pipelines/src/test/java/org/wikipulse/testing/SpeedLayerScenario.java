package org.wikipulse.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.LakePartition;
import org.wikipulse.lake.ReadLakeEvents;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.speed.SpeedLayerOptions;

/**
 * The speed layer's end-to-end scenario, shared by the integration tests of every runner: every
 * recorded event, 50 repeats of known ids and 3 malformed records, published to a topic of their
 * own; then the tables, the dead letters and the Parquet lake must hold exactly what the parse and
 * filter rules, applied directly to the sample, say (5997 kept events, 1,579,620 bytes changed).
 *
 * <p>Reads: the sample files, PostgreSQL and the lake. Writes: a Kafka topic, a database and a lake
 * prefix named after the scenario (dropped by {@link #dropDatabase()}).
 */
public final class SpeedLayerScenario {
  public static final List<String> MALFORMED =
      List.of(
          "not json",
          "{\"meta\":{\"id\":\"m1\"},\"type\":\"edit\"}",
          "{\"meta\":{\"id\":\"m2\"},\"type\":\"edit\",\"server_name\":\"en.wikipedia.org\",\"timestamp\":\"soon\"}");
  public static final int REPEATS = 50;
  /** Partitions of the scenario's topic, as many as {@code ./wikipulse services up} creates. */
  public static final int PARTITIONS = 3;
  public static final int KEPT_EVENTS = 5997;
  public static final long KEPT_BYTES = 1_579_620L;
  /** The speed layer's default traffic window, which the expected traffic rows assume. */
  private static final long TRAFFIC_WINDOW_MILLIS = 10_000;

  private final String topic;
  private final String jdbcUrl;
  private final String lake;
  private final List<byte[]> values = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  /** Event time of each record of {@link #values}; the malformed ones sort last. */
  private final List<Long> times = new ArrayList<>();
  /** Kept events by id: the rules applied directly to the sample (the expected result). */
  private final Map<String, WikiEvent> expected = new HashMap<>();

  private SpeedLayerScenario(String topic, String jdbcUrl, String lake) throws Exception {
    this.topic = topic;
    this.jdbcUrl = jdbcUrl;
    this.lake = lake;
    List<String> lines = new ArrayList<>(SampleData.allLines());
    lines.addAll(SampleData.lines(SampleData.EDITGROUPS).subList(0, REPEATS));
    for (String line : lines) {
      WikiEvent e = RecentChangeParser.parse(line);
      if (DropReason.of(e).isEmpty()) {
        expected.put(e.eventId, e);
      }
      values.add(line.getBytes(StandardCharsets.UTF_8));
      keys.add(e.serverName);
      times.add(e.eventTime.getMillis());
    }
    // Last, so that their Kafka timestamps (now) move no partition's watermark past older events.
    for (String bad : MALFORMED) {
      values.add(bad.getBytes(StandardCharsets.UTF_8));
      keys.add(null);
      times.add(Long.MAX_VALUE);
    }
    assertEquals(6129 + REPEATS + MALFORMED.size(), values.size());
    assertEquals(KEPT_EVENTS, expected.size());
    assertEquals(KEPT_BYTES, expected.values().stream().mapToLong(e -> e.bytesChanged).sum());
  }

  /**
   * A topic (3 partitions, like {@code services up} creates), a fresh migrated database and a lake
   * prefix, all named {@code it-<name>-<pid>}; nothing is published yet.
   */
  public static SpeedLayerScenario create(String name) throws Exception {
    String id = name + "-" + ProcessHandle.current().pid();
    String topic = "it-" + id;
    TestServices.createTopic(topic, PARTITIONS);
    String jdbcUrl = TestServices.freshDatabase("wikipulse_it_" + id.replace('-', '_'));
    return new SpeedLayerScenario(topic, jdbcUrl, TestServices.lake("it-" + id));
  }

  /** Publishes every record: the sample in file order, the repeats, then the malformed records. */
  public void publishAll() throws Exception {
    publish(0, values.size());
  }

  /**
   * Publishes the same records as {@link #publishAll} the way a user does: written to an NDJSON file
   * and replayed by the bridge ({@code ./wikipulse bridge --source FILE}) as a separate process,
   * from the sse-bridge module this build has packaged. The bridge keys records by server_name like
   * the producer of {@link #publishAll}, so the partitions get the same records.
   */
  public void publishAllThroughBridge() throws Exception {
    java.nio.file.Path root = projectRoot();
    java.nio.file.Path bridge = root.resolve("sse-bridge/target");
    java.nio.file.Path classpath = bridge.resolve("classpath.txt");
    if (!java.nio.file.Files.exists(classpath)) {
      throw new IllegalStateException(
          classpath + " is missing: package the sse-bridge module first (mvn verify from the root does)");
    }
    java.nio.file.Path file = java.nio.file.Files.createTempFile("wikipulse-" + topic + "-", ".ndjson");
    try {
      try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
        for (byte[] value : values) {
          out.write(value);
          out.write('\n');
        }
      }
      ProcessBuilder pb =
          new ProcessBuilder(
                  java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  bridge.resolve("classes") + java.io.File.pathSeparator + java.nio.file.Files.readString(classpath).trim(),
                  "org.wikipulse.bridge.BridgeMain",
                  "--source",
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("WIKIPULSE_TOPIC", topic);
      Process p = pb.start();
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("the bridge did not finish replaying " + file + " within 5 min");
      }
      assertEquals(0, p.exitValue(), "the bridge's exit code");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  /** The directory holding the {@code wikipulse} launcher, from a module's working directory. */
  static java.nio.file.Path projectRoot() {
    for (java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (java.nio.file.Files.exists(p.resolve("wikipulse")) && java.nio.file.Files.exists(p.resolve("sse-bridge"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the project root above " + java.nio.file.Path.of("").toAbsolutePath());
  }

  /** Publishes records {@code from} (inclusive) to {@code to} (exclusive) of {@link #publishAll}'s order. */
  public void publish(int from, int to) throws Exception {
    TestServices.produce(topic, values.subList(from, to), keys.subList(from, to));
  }

  /**
   * Publishes every record ordered by event time (malformed last), {@code copies} times over (the
   * later copies are all repeats). An unbounded run needs this order: the sample files are
   * recordings from different years, and in file order each partition would go back in time by
   * years, past any allowed lateness. A bounded read holds the watermark until it ends, so it
   * takes any order.
   */
  public void publishInEventTimeOrder(int copies) throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(times::get));
    List<byte[]> v = new ArrayList<>();
    List<String> k = new ArrayList<>();
    for (int copy = 0; copy < copies; copy++) {
      for (int i : order) {
        if (copy == 0 || times.get(i) != Long.MAX_VALUE) {
          v.add(values.get(i));
          k.add(keys.get(i));
        }
      }
    }
    TestServices.produce(topic, v, k);
  }

  /**
   * Publishes a repeat of a known event to every partition: what a live stream does all the time,
   * and what an unbounded Flink job needs after a restore. A Flink source split that has emitted no
   * record since the job started has no output to carry its watermark (Beam 2.62), so a partition
   * that stays quiet holds every event-time window (traffic on-time panes, lake files).
   */
  public void publishRepeatToEveryPartition() throws Exception {
    TestServices.produceToEveryPartition(topic, PARTITIONS, values.get(0), keys.get(0));
  }

  /** How many records {@link #publishAll} publishes (6182). */
  public int recordCount() {
    return values.size();
  }

  /** The kept events, once each: what the tables and the lake must hold. */
  public java.util.Collection<WikiEvent> expectedEvents() {
    return java.util.Collections.unmodifiableCollection(expected.values());
  }

  public String topic() {
    return topic;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String lake() {
    return lake;
  }

  /** The flags that point the speed layer at this scenario's services; {@code maxRecords} 0 reads forever. */
  public List<String> args(String consumerGroup, long maxRecords) {
    return List.of(
        "--kafkaBootstrap=" + TestServices.kafka(),
        "--topic=" + topic,
        "--consumerGroup=" + consumerGroup,
        "--maxRecords=" + maxRecords,
        "--jdbcUrl=" + jdbcUrl,
        "--lake=" + lake);
  }

  /** Options for one bounded run over every record, on the DirectRunner unless changed. */
  public SpeedLayerOptions options(String consumerGroup) {
    SpeedLayerOptions o =
        PipelineOptionsFactory.fromArgs(args(consumerGroup, recordCount()).toArray(String[]::new))
            .as(SpeedLayerOptions.class);
    o.setRunner(DirectRunner.class);
    return o;
  }

  public void dropDatabase() throws Exception {
    TestServices.dropDatabase(jdbcUrl);
  }

  /** The dead letters the malformed records must become, as {@code stage|error}, ordered by error. */
  public static final List<String> EXPECTED_DEAD_LETTERS =
      List.of(
          "parse|missing server_name",
          "parse|not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
          "parse|timestamp is not an integer");

  /**
   * Asserts the tables hold exactly the kept events: their ids, one traffic row per 10 s window
   * with that window's count and bytes, and one dead letter per malformed record, each pointing at
   * its Kafka offset. Returns {@link #snapshot()} for comparisons with later runs.
   */
  public List<String> assertTablesHoldExactlyTheKeptEvents() throws Exception {
    List<String> ids = new ArrayList<>(expected.keySet());
    Collections.sort(ids);
    List<String> rows =
        TestServices.queryRows(jdbcUrl, "SELECT event_id FROM realtime_recent_changes ORDER BY event_id COLLATE \"C\"");
    assertEquals(KEPT_EVENTS, rows.size(), "rows in realtime_recent_changes");
    assertEquals(ids, rows, "event ids in realtime_recent_changes");
    assertEquals(
        KEPT_BYTES,
        TestServices.queryLong(jdbcUrl, "SELECT sum(bytes_changed) FROM realtime_recent_changes"));

    assertEquals(
        KEPT_EVENTS + "|" + KEPT_BYTES,
        TestServices.queryRows(jdbcUrl, "SELECT sum(event_count), sum(total_bytes) FROM realtime_traffic_volume").get(0),
        "traffic-volume sums");
    assertEquals(
        expectedTrafficRows(),
        TestServices.queryRows(
            jdbcUrl,
            "SELECT (extract(epoch FROM window_start) * 1000)::bigint, event_count, total_bytes "
                + "FROM realtime_traffic_volume ORDER BY window_start"),
        "traffic-volume windows");

    assertEquals(
        EXPECTED_DEAD_LETTERS,
        TestServices.queryRows(jdbcUrl, "SELECT stage, error FROM dead_letters ORDER BY error"),
        "dead letters");
    assertEquals(
        0,
        TestServices.queryLong(
            jdbcUrl, "SELECT count(*) FROM dead_letters WHERE source_topic IS NULL OR source_offset IS NULL"));
    return snapshot();
  }

  /**
   * True once the tables have reached the expected totals (kept rows, dead letters, traffic sums):
   * what an unbounded run is polled for before {@link #assertTablesHoldExactlyTheKeptEvents()}.
   */
  public boolean tablesReachedTheExpectedTotals() throws Exception {
    return TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes") == KEPT_EVENTS
        && TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM dead_letters") == MALFORMED.size()
        && (KEPT_EVENTS + "|" + KEPT_BYTES)
            .equals(
                TestServices.queryRows(
                        jdbcUrl, "SELECT sum(event_count), sum(total_bytes) FROM realtime_traffic_volume")
                    .get(0));
  }

  /** {@code window_start_millis|event_count|total_bytes} per 10 s event-time window of the kept events. */
  private List<String> expectedTrafficRows() {
    Map<Long, long[]> windows = new TreeMap<>();
    for (WikiEvent e : expected.values()) {
      long start = Math.floorDiv(e.eventTime.getMillis(), TRAFFIC_WINDOW_MILLIS) * TRAFFIC_WINDOW_MILLIS;
      long[] sums = windows.computeIfAbsent(start, k -> new long[2]);
      sums[0]++;
      sums[1] += e.bytesChanged;
    }
    List<String> rows = new ArrayList<>();
    windows.forEach((start, sums) -> rows.add(start + "|" + sums[0] + "|" + sums[1]));
    return rows;
  }

  /** What the tables hold, summarised row by row, to check that a later run changed nothing. */
  public List<String> snapshot() throws Exception {
    List<String> s = new ArrayList<>();
    s.add(Long.toString(TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes")));
    s.add(
        TestServices.queryRows(jdbcUrl, "SELECT sum(event_count), sum(total_bytes) FROM realtime_traffic_volume")
            .get(0));
    s.add(Long.toString(TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM dead_letters")));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT window_start, event_count, total_bytes FROM realtime_traffic_volume ORDER BY window_start"));
    s.addAll(
        TestServices.queryRows(
            jdbcUrl,
            "SELECT server_name, count(*), sum(length_diff), sum(is_bot::int) FROM realtime_recent_changes "
                + "GROUP BY server_name ORDER BY server_name"));
    return s;
  }

  /**
   * Reads every partition of the lake back (on the DirectRunner: this checks the files, not the
   * runner that wrote them): each holds exactly the kept events of its month, each once.
   */
  public void assertLakeHoldsExactlyTheKeptEvents() {
    assertLake(true);
  }

  /**
   * Like {@link #assertLakeHoldsExactlyTheKeptEvents()} but allows an event in more than one file:
   * after a crash a restored writer may write again what it had written after its last checkpoint
   * (the lake keeps everything; the batch layer de-duplicates).
   */
  public void assertLakeHoldsEveryKeptEvent() {
    assertLake(false);
  }

  /**
   * Waits until every month of the kept events has Parquet files in the lake and no file has been
   * added for {@code quiet}: an unbounded run writes lake files as its windows close, seconds after
   * the tables are complete. Listing files is cheap; reading them back is not, so this comes first.
   */
  public void awaitLakeFilesSettle(java.time.Duration quiet, java.time.Duration timeout) throws Exception {
    SpeedLayerOptions o = options("unused");
    LakeFileSystem.configure(o);
    FileSystems.setDefaultPipelineOptions(o);
    List<String> globs =
        expected.values().stream()
            .map(e -> LakePartition.of(e.eventTime.getMillis()))
            .distinct()
            .map(p -> LakeFileSystem.rawEventsRoot(lake) + "/" + p + "/*.parquet")
            .toList();
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastChange = System.nanoTime();
    List<Integer> last = List.of();
    while (true) {
      List<Integer> counts = new ArrayList<>();
      for (MatchResult m : FileSystems.match(globs, EmptyMatchTreatment.ALLOW)) {
        counts.add(m.status() == MatchResult.Status.OK ? m.metadata().size() : 0);
      }
      if (!counts.equals(last)) {
        last = counts;
        lastChange = System.nanoTime();
      } else if (!counts.contains(0) && System.nanoTime() - lastChange > quiet.toNanos()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("lake files per month " + globs + " did not settle: " + counts);
      }
      Thread.sleep(1000);
    }
  }

  private void assertLake(boolean exactlyOnce) {
    Map<String, List<WikiEvent>> byPartition = new TreeMap<>();
    for (WikiEvent e : expected.values()) {
      byPartition.computeIfAbsent(LakePartition.of(e.eventTime.getMillis()), k -> new ArrayList<>()).add(e);
    }
    SpeedLayerOptions readOptions = options("unused");
    // The checks below compare every field of every event; the DirectRunner's own per-bundle
    // immutability and encodability checks would only make this read slow.
    readOptions.as(DirectOptions.class).setEnforceImmutability(false);
    readOptions.as(DirectOptions.class).setEnforceEncodability(false);
    LakeFileSystem.configure(readOptions);
    Pipeline read = Pipeline.create(readOptions);
    for (Map.Entry<String, List<WikiEvent>> partition : byPartition.entrySet()) {
      String glob = LakeFileSystem.rawEventsRoot(lake) + "/" + partition.getKey() + "/*.parquet";
      PCollection<WikiEvent> events = read.apply("Read " + partition.getKey(), new ReadLakeEvents(glob));
      if (exactlyOnce) {
        // containsInAnyOrder compares multisets: every kept event of the month, equal in every field, once.
        PAssert.that("Events " + partition.getKey(), events).containsInAnyOrder(partition.getValue());
      } else {
        // Not Distinct: the DirectRunner runs one bundle per key, which takes minutes for thousands of ids.
        PAssert.that("Events " + partition.getKey(), events)
            .satisfies(new EveryEventAtLeastOnce(partition.getValue()));
      }
    }
    assertEquals(PipelineResult.State.DONE, read.run().waitUntilFinish());
  }

  /** Checks that the lake holds each expected event, equal in every field, at least once, and nothing else. */
  static class EveryEventAtLeastOnce implements SerializableFunction<Iterable<WikiEvent>, Void> {
    private final HashMap<String, WikiEvent> expected = new HashMap<>();

    EveryEventAtLeastOnce(List<WikiEvent> events) {
      events.forEach(e -> expected.put(e.eventId, e));
    }

    @Override
    public Void apply(Iterable<WikiEvent> actual) {
      Set<String> seen = new HashSet<>();
      for (WikiEvent e : actual) {
        assertEquals(expected.get(e.eventId), e, "lake event " + e.eventId);
        seen.add(e.eventId);
      }
      assertEquals(expected.keySet(), seen, "event ids in the lake");
      return null;
    }
  }
}
