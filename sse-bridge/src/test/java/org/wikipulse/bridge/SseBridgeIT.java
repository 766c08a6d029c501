package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against an SSE server that drops the connection every 40 events, stopped once with SIGTERM
 * and restarted: Kafka must end up with every event exactly once, in order per server_name, and every
 * reconnect must carry the right Last-Event-ID.
 */
class SseBridgeIT {

  private static KafkaTestSupport kafka;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @BeforeAll
  static void connect() {
    kafka = KafkaTestSupport.connect();
  }

  @AfterAll
  static void disconnect() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void survivesDropsAndARestartWithEveryEventExactlyOnce() throws Exception {
    // 322 real events (all of DataPlumbHub, VisaalPathak, Sat99496) with ids 1..322; the server cuts
    // every connection after 40 events, mid-event; the bridge is SIGTERMed after ~150 and restarted.
    List<String> payloads = RecordedEvents.threeRecordings();
    assertEquals(payloads.size(), new HashSet<>(payloads).size(), "source payloads are distinct");
    Map<String, Integer> seqOf = new HashMap<>();
    for (int i = 0; i < payloads.size(); i++) {
      seqOf.put(payloads.get(i), i + 1);
    }

    String topic = kafka.createTopic("sse-resume", Map.of());
    Path dataDir = dir.resolve("data");
    String since = "2025-05-03T07:46:00Z";
    try (TestSseServer server =
        new TestSseServer(TestSseServer.messageFrames(payloads), "retry: 100\n: hello\n\n", 40, 5)) {
      String[] args = {"--source", server.url(), "--since", since};

      // Run 1: stop with SIGTERM in mid-stream.
      BridgeProcess first = BridgeProcess.start(dir, "run1", kafka.bootstrap(), topic, dataDir, args);
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (server.framesSent() < 150 && System.nanoTime() < deadline && first.isAlive()) {
        Thread.sleep(20);
      }
      assertTrue(server.framesSent() >= 150, "server sent only " + server.framesSent() + "\n" + first.describe());
      first.terminate();
      assertEquals(0, first.waitFor(30), "exit status after SIGTERM\n" + first.describe());

      Path positionFile = onlyPositionFile(dataDir);
      int savedPosition = Integer.parseInt(Files.readString(positionFile, StandardCharsets.UTF_8).trim());
      assertTrue(savedPosition >= 40 && savedPosition < payloads.size(), "saved position " + savedPosition);
      // Everything acknowledged before the stop is in Kafka, and nothing beyond it: events 1..position.
      List<String> afterFirst = values(kafka.readAll(topic));
      assertEquals(savedPosition, afterFirst.size(), "records after run 1");
      assertEquals(new HashSet<>(payloads.subList(0, savedPosition)), new HashSet<>(afterFirst));
      assertTrue(first.stdout().contains("sent=" + savedPosition + " "), first.stdout());
      int connectionsOfFirstRun = server.connections().size();

      // Run 2: resumes from the saved position and receives the rest.
      BridgeProcess second = BridgeProcess.start(dir, "run2", kafka.bootstrap(), topic, dataDir, args);
      assertEquals(
          payloads.size(),
          kafka.awaitCount(topic, payloads.size(), Duration.ofSeconds(40)),
          "records after run 2\n" + second.describe());

      // A second bridge on the same source is refused while run 2 holds the lock.
      BridgeProcess intruder = BridgeProcess.start(dir, "intruder", kafka.bootstrap(), topic, dataDir, args);
      assertEquals(1, intruder.waitFor(30), intruder.describe());
      assertTrue(intruder.stderr().contains("another bridge is already running for " + server.url()), intruder.describe());

      Thread.sleep(300); // let the last position write and heartbeats happen; nothing more may arrive
      second.terminate();
      assertEquals(0, second.waitFor(30), "exit status of run 2\n" + second.describe());
      assertEquals(
          Integer.toString(payloads.size()),
          Files.readString(positionFile, StandardCharsets.UTF_8).trim(),
          "final saved position");
      int resumedCount = payloads.size() - savedPosition;
      assertTrue(
          second.stdout().contains("read=" + resumedCount + " sent=" + resumedCount + " keyless=0"),
          second.stdout());

      // Kafka: every event exactly once, and per key in source order.
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic);
      List<String> all = values(records);
      assertEquals(payloads.size(), all.size(), "record count");
      assertEquals(payloads.size(), new HashSet<>(all).size(), "no duplicates");
      assertEquals(new HashSet<>(payloads), new HashSet<>(all), "same payloads");
      Map<String, Integer> lastSeqPerKey = new HashMap<>();
      Map<String, Integer> partitionOfKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        String value = new String(r.value(), StandardCharsets.UTF_8);
        assertEquals(PayloadInfo.of(r.value()).serverName(), key, "key is server_name");
        int seq = seqOf.get(value);
        Integer previous = lastSeqPerKey.put(key, seq);
        assertTrue(previous == null || previous < seq, key + ": event " + seq + " after " + previous);
        Integer partition = partitionOfKey.putIfAbsent(key, r.partition());
        assertTrue(partition == null || partition == r.partition(), key + " in two partitions");
      }
      assertEquals(39, lastSeqPerKey.size(), "distinct server_name values");

      // The server's view: the right Last-Event-ID on every reconnect, since= only before a position.
      List<TestSseServer.Connection> connections = server.connections();
      String report = connections.toString();
      TestSseServer.Connection firstConnection = connections.get(0);
      assertNull(firstConnection.lastEventId, report);
      assertEquals("since=2025-05-03T07%3A46%3A00Z", firstConnection.query, report);
      for (int i = 1; i < connections.size(); i++) {
        TestSseServer.Connection c = connections.get(i);
        TestSseServer.Connection previous = connections.get(i - 1);
        assertNull(c.query, "since= sent with a known position: " + report);
        if (i == connectionsOfFirstRun) {
          assertEquals(Integer.toString(savedPosition), c.lastEventId, "restart: " + report);
          assertTrue(previous.lastFullySent >= savedPosition, report);
        } else {
          assertTrue(previous.droppedByServer, "connection closed while the server was sending: " + report);
          assertEquals(Integer.toString(previous.lastFullySent), c.lastEventId, "reconnect " + i + ": " + report);
        }
      }
      long drops = connections.stream().filter(c -> c.droppedByServer).count();
      assertTrue(drops >= 7, "server drops: " + report);
      for (TestSseServer.Connection c : connections) {
        assertEquals(BridgeProcess.TEST_USER_AGENT, c.userAgent);
        assertEquals("text/event-stream", c.accept);
      }
    } finally {
      kafka.deleteTopic(topic);
    }
  }

  private static Path onlyPositionFile(Path dataDir) throws Exception {
    try (var files = Files.list(dataDir.resolve("bridge"))) {
      List<Path> positions =
          files.filter(p -> p.getFileName().toString().matches("position-[0-9a-f]{12}\\.txt")).toList();
      assertEquals(1, positions.size(), "position files: " + positions);
      return positions.get(0);
    }
  }

  static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      out.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
