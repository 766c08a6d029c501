package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;
import org.wikipulse.testing.TestServices;

/**
 * Issue #8, fault 3: the Kafka broker is killed with SIGKILL mid-stream and started again 12 s later
 * on the same data dir and port, while the bridge replays 400 real events into it at 10 events/s and
 * the speed layer (Flink [local], unbounded, from the shaded jar in its own JVM, as a user runs it)
 * reads them. The broker is this test's own ({@link PrivateKafkaBroker}), not the one the other tests
 * share. The bridge must keep its sends in the producer until the broker is back (the outage is far
 * below its {@code delivery.timeout.ms} of 120 s) and exit 0; Kafka must hold every event once; the
 * speed layer must survive the outage and leave every kept event's id exactly once in
 * realtime_recent_changes. The test logs the outage and the recovery times.
 */
class KafkaBrokerRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerRestartIT.class);
  private static final int EVENTS = 400;
  private static final int RATE = 10;
  private static final int PARTITIONS = 3;
  private static final Duration OUTAGE = Duration.ofSeconds(12);
  private static final String GROUP = "it-kafka-restart";

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theBridgeAndTheSpeedLayerSurviveABrokerKilledAndRestartedMidStream() throws Exception {
    String id = "kafka-restart-" + ProcessHandle.current().pid();
    Path work = Files.createTempDirectory("wikipulse-" + id + "-");
    List<Process> children = new ArrayList<>();
    String jdbcUrl = null;
    boolean passed = false;
    try (PrivateKafkaBroker broker = PrivateKafkaBroker.startNew(id)) {
      // 400 real events of one recording, in event-time order (what an unbounded run needs; see
      // SpeedLayerScenario.publishInEventTimeOrder), and the ids the rules keep.
      List<String> lines = new ArrayList<>(SampleData.lines(SampleData.EDITGROUPS).subList(0, EVENTS));
      Map<String, WikiEvent> parsed = new HashMap<>();
      for (String line : lines) {
        parsed.put(line, RecentChangeParser.parse(line));
      }
      lines.sort(Comparator.comparing(l -> parsed.get(l).eventTime.getMillis()));
      Set<String> kept = new TreeSet<>();
      for (WikiEvent e : parsed.values()) {
        if (DropReason.of(e).isEmpty()) {
          kept.add(e.eventId);
        }
      }
      assertEquals(EVENTS, new HashSet<>(lines).size(), "distinct events");
      Path source = work.resolve("events.ndjson");
      try (OutputStream out = Files.newOutputStream(source)) {
        for (String line : lines) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
        }
      }

      String topic = "it-" + id;
      try (Admin admin = admin(broker.bootstrap())) {
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      jdbcUrl = TestServices.freshDatabase("wikipulse_it_" + id.replace('-', '_'));

      Process speed = startSpeedLayer(work, broker.bootstrap(), topic, jdbcUrl, TestServices.lake("it-" + id));
      children.add(speed);
      // Start sending once the job reads the topic, so that the fault lands mid-stream however long
      // Flink takes to start on a loaded machine.
      awaitLog(speed, work.resolve("speed.log"), "reading from " + topic, Duration.ofSeconds(120));
      Process bridge = startBridge(work, broker.bootstrap(), topic, source);
      children.add(bridge);
      String url = jdbcUrl;

      // Kill the broker once the speed layer has written rows and the bridge is still sending.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
      while (rows(url) < 20 || count(broker.bootstrap(), topic) < 100) {
        assertTrue(speed.isAlive(), () -> "the speed layer died:\n" + tail(work.resolve("speed.log")));
        assertTrue(bridge.isAlive(), () -> "the bridge ended early:\n" + tail(work.resolve("bridge.log")));
        assertTrue(System.nanoTime() < deadline, () -> "no rows after 100 s:\n" + tail(work.resolve("speed.log")));
        Thread.sleep(200);
      }
      long inKafkaAtKill = count(broker.bootstrap(), topic);
      assertTrue(inKafkaAtKill < EVENTS - RATE * OUTAGE.toSeconds(), "the kill must land mid-stream: " + inKafkaAtKill);
      broker.kill();
      long killedAt = System.nanoTime();
      long rowsAtKill = rows(url);
      LOG.info("killed the broker (SIGKILL) with {} records in Kafka and {} rows in PostgreSQL", inKafkaAtKill, rowsAtKill);

      Thread.sleep(OUTAGE.toMillis());
      assertTrue(bridge.isAlive(), () -> "the bridge exited during the outage:\n" + tail(work.resolve("bridge.log")));
      assertTrue(speed.isAlive(), () -> "the speed layer died during the outage:\n" + tail(work.resolve("speed.log")));
      long rowsBeforeRestart = rows(url);
      broker.start();
      long upAt = System.nanoTime();
      LOG.info(
          "broker answers again {} ms after the kill ({} ms down, then {} ms to start)",
          (upAt - killedAt) / 1_000_000, OUTAGE.toMillis(), (upAt - killedAt) / 1_000_000 - OUTAGE.toMillis());

      // Recovery: the first new record in Kafka, the first new row in PostgreSQL, then everything.
      long bridgeRecoveredAt = 0;
      long speedRecoveredAt = 0;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (rows(url) < kept.size()) {
        assertTrue(speed.isAlive(), () -> "the speed layer died after the restart:\n" + tail(work.resolve("speed.log")));
        assertTrue(
            System.nanoTime() < deadline,
            () -> "rows incomplete 120 s after the restart:\n" + tail(work.resolve("speed.log"))
                + "\nbridge:\n" + tail(work.resolve("bridge.log")));
        if (bridgeRecoveredAt == 0 && count(broker.bootstrap(), topic) > inKafkaAtKill) {
          bridgeRecoveredAt = System.nanoTime();
        }
        if (speedRecoveredAt == 0 && rows(url) > rowsBeforeRestart) {
          speedRecoveredAt = System.nanoTime();
        }
        Thread.sleep(100);
      }
      long allRowsAt = System.nanoTime();
      if (speedRecoveredAt == 0) {
        speedRecoveredAt = allRowsAt; // the rest arrived between two polls
      }
      assertTrue(bridge.waitFor(60, TimeUnit.SECONDS), () -> "the bridge did not finish:\n" + tail(work.resolve("bridge.log")));
      String bridgeLog = Files.readString(work.resolve("bridge.log"));
      assertEquals(0, bridge.exitValue(), bridgeLog);
      assertTrue(bridgeLog.contains("bridge finished: read=" + EVENTS + " sent=" + EVENTS + " "), bridgeLog);

      // Kafka: every event exactly once (the idempotent producer's retries after the restart wrote none twice).
      List<String> inKafka = readAll(broker.bootstrap(), topic);
      assertEquals(new HashSet<>(lines), new HashSet<>(inKafka), "events in Kafka");
      assertEquals(EVENTS, inKafka.size(), "records in Kafka (repeats: " + (inKafka.size() - EVENTS) + ")");

      // PostgreSQL: every kept event id exactly once, nothing else; and it stays so.
      Thread.sleep(3000);
      List<String> ids =
          TestServices.queryRows(url, "SELECT event_id FROM realtime_recent_changes ORDER BY event_id COLLATE \"C\"");
      assertEquals(kept.size(), ids.size(), "rows in realtime_recent_changes");
      assertEquals(new ArrayList<>(kept), ids, "event ids in realtime_recent_changes");
      assertEquals(0, TestServices.queryLong(url, "SELECT count(*) FROM dead_letters"), "dead letters");
      assertTrue(speed.isAlive(), () -> tail(work.resolve("speed.log")));

      LOG.info(
          "Kafka broker outage {} ms (SIGKILL to port open, {} ms of it the broker's own start-up); bridge: first"
              + " new record in Kafka {} ms after the broker was back; speed layer: first new row {} ms after,"
              + " all {} kept events in PostgreSQL {} ms after ({} events in {} records in Kafka, 0 repeats)",
          (upAt - killedAt) / 1_000_000, (upAt - killedAt) / 1_000_000 - OUTAGE.toMillis(),
          millis(bridgeRecoveredAt, upAt), millis(speedRecoveredAt, upAt),
          kept.size(), (allRowsAt - upAt) / 1_000_000, EVENTS, inKafka.size());
      passed = true;
    } finally {
      for (Process p : children) {
        // SIGTERM first: Flink's mini-cluster then deletes its temp folders.
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
      if (jdbcUrl != null) {
        TestServices.dropDatabase(jdbcUrl);
      }
      if (passed) {
        deleteTree(work);
      } else {
        LOG.warn("logs of the bridge and the speed layer kept in {}", work);
      }
    }
  }

  /** The speed layer from the shaded jar, unbounded, as {@code ./wikipulse stream --runner=FlinkRunner} runs it. */
  private static Process startSpeedLayer(Path work, String bootstrap, String topic, String jdbcUrl, String lake)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-Xmx640m");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    // KafkaIO's "reading from <partition> starting at offset N" lines: the job has started reading.
    command.add("-Dorg.slf4j.simpleLogger.log.org.apache.beam.sdk.io.kafka.KafkaUnboundedReader=info");
    command.add("-cp");
    command.add(bundledJar().toString());
    command.add(FlinkSpeedLayer.class.getName());
    command.addAll(
        List.of(
            "--kafkaBootstrap=" + bootstrap,
            "--topic=" + topic,
            "--consumerGroup=" + GROUP,
            "--jdbcUrl=" + jdbcUrl,
            "--lake=" + lake,
            "--writeLake=false", // this fault concerns Kafka; the lake has its own tests
            "--checkpointingInterval=2000",
            "--maxOutOfOrdernessSeconds=5"));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("speed.log").toFile());
    pb.environment().put("WIKIPULSE_DATA_DIR", work.resolve("speed-data").toString());
    pb.environment().put("WIKIPULSE_KAFKA_BOOTSTRAP", bootstrap);
    return pb.start();
  }

  /** {@code ./wikipulse bridge --source FILE --rate 10}, from the sse-bridge module this build packaged. */
  private static Process startBridge(Path work, String bootstrap, String topic, Path file) throws IOException {
    Path target = PrivateKafkaBroker.projectRoot().resolve("sse-bridge/target");
    Path classpath = target.resolve("classpath.txt");
    if (!Files.exists(classpath)) {
      throw new IllegalStateException(classpath + " is missing: package the sse-bridge module first (mvn verify from the root does)");
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                java(), "-Xmx256m", "-cp",
                target.resolve("classes") + File.pathSeparator + Files.readString(classpath).trim(),
                "org.wikipulse.bridge.BridgeMain", "--source", file.toString(), "--rate", Integer.toString(RATE))
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("bridge.log").toFile());
    pb.environment().put("WIKIPULSE_KAFKA_BOOTSTRAP", bootstrap);
    pb.environment().put("WIKIPULSE_TOPIC", topic);
    pb.environment().put("WIKIPULSE_DATA_DIR", work.resolve("bridge-data").toString());
    return pb.start();
  }

  private static void awaitLog(Process p, Path logFile, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.readString(logFile).contains(text)) {
      assertTrue(p.isAlive(), () -> "the speed layer died:\n" + tail(logFile));
      assertTrue(System.nanoTime() < deadline, () -> "no '" + text + "' in its log after " + timeout + ":\n" + tail(logFile));
      Thread.sleep(200);
    }
  }

  private static long rows(String jdbcUrl) throws Exception {
    return TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes");
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  /** Records in the topic: the sum of its end offsets (0 while the broker does not answer). */
  private static long count(String bootstrap, String topic) {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int i = 0; i < PARTITIONS; i++) {
        request.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
          .mapToLong(r -> r.offset())
          .sum();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Every record value of the topic, as text. */
  private static List<String> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        partitions.add(new TopicPartition(topic, i));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "could not read " + ends + " of " + topic);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static long millis(long at, long since) {
    return at == 0 ? -1 : (at - since) / 1_000_000;
  }

  private static Path bundledJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-bundled.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no target/*-bundled.jar: run mvn verify (package builds it)"))
          .toAbsolutePath();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is under the build's temp folder
    }
  }
}
