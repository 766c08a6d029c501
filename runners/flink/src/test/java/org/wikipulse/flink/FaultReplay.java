package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.wikipulse.batch.BatchEvents;
import org.wikipulse.batch.BatchRange;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.ReadLakeEvents;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.speed.SpeedLayerOptions;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * The known set of real events the fault-injection tests replay: the first {@code count} recorded
 * events of the sample ({@link SampleData#allLines()}: several wikis, years apart), in event-time order, published to a topic of their own in parts (so a
 * fault can land between them), and what the parse and filter rules say the speed layer must keep.
 * The checks compare event ids: PostgreSQL must hold each kept event exactly once; the lake each at
 * least once and nothing else (a writer restored from a checkpoint may write a file twice; the batch
 * layer de-duplicates), read through the batch layer's own file patterns and reader.
 */
final class FaultReplay {
  private final String topic;
  private final List<byte[]> values = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final Set<String> keptIds = new TreeSet<>();

  FaultReplay(String topic, int count) throws Exception {
    this.topic = topic;
    List<WikiEvent> events = new ArrayList<>();
    List<String> lines = SampleData.allLines().subList(0, count);
    List<Integer> order = new ArrayList<>();
    for (String line : lines) {
      events.add(RecentChangeParser.parse(line));
      order.add(order.size());
    }
    order.sort(Comparator.comparing(i -> events.get(i).eventTime.getMillis()));
    for (int i : order) {
      WikiEvent e = events.get(i);
      values.add(lines.get(i).getBytes(StandardCharsets.UTF_8));
      keys.add(e.serverName);
      if (DropReason.of(e).isEmpty()) {
        keptIds.add(e.eventId);
      }
    }
  }

  static FaultReplay create(String topic, int count) throws Exception {
    TestServices.createTopic(topic, 3);
    return new FaultReplay(topic, count);
  }

  String topic() {
    return topic;
  }

  int size() {
    return values.size();
  }

  Set<String> keptIds() {
    return keptIds;
  }

  /** Publishes records {@code from} (inclusive) to {@code to} (exclusive), then one repeat to every partition. */
  void publish(int from, int to) throws Exception {
    TestServices.produce(topic, values.subList(from, to), keys.subList(from, to));
    // An unbounded Flink job's event-time windows (lake files) need every partition to have
    // delivered a record since the job (re)started: SpeedLayerScenario#publishRepeatToEveryPartition.
    TestServices.produceToEveryPartition(topic, 3, values.get(0), keys.get(0));
  }

  /** The consumer group's committed offsets, summed over the topic's partitions. */
  long committedOffsets(String group) throws Exception {
    try (AdminClient admin =
        AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafka()))) {
      Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
      return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  /** Asserts {@code realtime_recent_changes} at {@code jdbcUrl} holds exactly the kept ids, each once. */
  void assertTableHoldsExactlyTheKeptEvents(String jdbcUrl) throws Exception {
    List<String> ids = TestServices.queryRows(jdbcUrl, "SELECT event_id FROM realtime_recent_changes ORDER BY event_id COLLATE \"C\"");
    assertEquals(keptIds.size(), ids.size(), "rows in realtime_recent_changes (lost or duplicated events)");
    assertEquals(new ArrayList<>(keptIds), ids, "event ids in realtime_recent_changes");
  }

  /** Options for reading the lake {@code lake} on the DirectRunner, through the S3 server {@code s3Endpoint}. */
  static SpeedLayerOptions lakeOptions(String lake, String s3Endpoint) {
    SpeedLayerOptions o =
        PipelineOptionsFactory.fromArgs("--lake=" + lake, "--s3Endpoint=" + s3Endpoint).as(SpeedLayerOptions.class);
    o.setRunner(DirectRunner.class);
    o.as(DirectOptions.class).setEnforceImmutability(false);
    o.as(DirectOptions.class).setEnforceEncodability(false);
    LakeFileSystem.configure(o);
    FileSystems.setDefaultPipelineOptions(o);
    return o;
  }

  /** The files the batch layer would read for {@code --all}: its own file patterns, matched. */
  static List<String> filesTheBatchLayerSees(String lake) throws Exception {
    List<String> files = new ArrayList<>();
    for (MatchResult m : FileSystems.match(BatchRange.all().filePatterns(lake), EmptyMatchTreatment.ALLOW)) {
      if (m.status() == MatchResult.Status.OK) {
        m.metadata().forEach(md -> files.add(md.resourceId().toString()));
      }
    }
    return files;
  }

  /** Every object under the lake (temporary files included). */
  static List<String> everyObject(String lake) throws Exception {
    List<String> files = new ArrayList<>();
    MatchResult m = FileSystems.match(lake + "/**", EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.OK) {
      m.metadata().forEach(md -> files.add(md.resourceId().toString()));
    }
    return files;
  }

  /**
   * Waits until the batch layer's patterns match at least one file and no file has been added for
   * {@code quietSeconds}; returns when the last file appeared (System.nanoTime()).
   */
  static long awaitLakeFilesSettle(String lake, int quietSeconds, int timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    int last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      int n = filesTheBatchLayerSees(lake).size();
      if (n != last) {
        last = n;
        lastChange = System.nanoTime();
      } else if (n > 0 && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(quietSeconds)) {
        return lastChange;
      }
      assertTrue(System.nanoTime() < deadline, "lake files did not settle: " + n);
      Thread.sleep(1000);
    }
  }

  /**
   * Reads every file the batch layer sees, with the batch layer's reader and projection (which
   * checks each file's Parquet footer and decodes every row group): each must read completely, and
   * together they must hold every kept event and no other.
   */
  void assertLakeReadsCompletelyWithEveryKeptEvent(String lake, String s3Endpoint) {
    SpeedLayerOptions o = lakeOptions(lake, s3Endpoint);
    Pipeline read = Pipeline.create(o);
    PCollection<String> ids =
        read.apply(
                "ReadLakeEvents",
                new ReadLakeEvents(BatchRange.all().filePatterns(lake))
                    .withColumns(BatchEvents.COLUMNS, new BatchEvents.FromRecord(), BatchEvents.EventCoder.of()))
            .apply("EventIds", MapElements.into(TypeDescriptors.strings()).via((WikiEvent e) -> e.eventId));
    PAssert.that("event ids in the lake", ids).satisfies(new SameIds(keptIds));
    assertEquals(PipelineResult.State.DONE, read.run().waitUntilFinish());
  }

  /** Every expected id at least once, and no other id. */
  static class SameIds implements SerializableFunction<Iterable<String>, Void> {
    private final HashSet<String> expected;

    SameIds(Set<String> expected) {
      this.expected = new HashSet<>(expected);
    }

    @Override
    public Void apply(Iterable<String> actual) {
      Set<String> seen = new HashSet<>();
      actual.forEach(seen::add);
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(seen);
      Set<String> unexpected = new TreeSet<>(seen);
      unexpected.removeAll(expected);
      assertEquals(Set.of(), missing, "kept events missing from the lake");
      assertEquals(Set.of(), unexpected, "events in the lake that were not kept");
      return null;
    }
  }
}
