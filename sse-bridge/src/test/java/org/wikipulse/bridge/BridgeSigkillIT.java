package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #8, fault 5: the bridge is killed with SIGKILL mid-stream (no flush, no final position write)
 * and restarted with the same command. It must resume from its saved position (the Last-Event-ID of
 * its first request is exactly what the position file held), and Kafka must end with every event.
 * The only repeats allowed are the events that run 1 got into Kafka after its last position write
 * (written every 200 ms): each at most twice, all after the saved position. The speed layer drops
 * them by event id (its tables are keyed by {@code event_id}; the speed-layer ITs publish repeats and
 * assert exact tables).
 */
class BridgeSigkillIT {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSigkillIT.class);
  /** Frames per second the server sends: the repeats are bounded by about 200 ms of them plus in-flight sends. */
  private static final int RATE = 50;
  /** A generous bound on repeats: the events of 2 s (ten position-save intervals on a loaded machine). */
  private static final int MAX_REPEATS = 2 * RATE;

  private static KafkaTestSupport kafka;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

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
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aSigkilledBridgeResumesFromItsSavedPositionAndLosesNothing() throws Exception {
    // 322 real events with ids 1..322 at 50 events/s; SIGKILL once the server has sent 150.
    List<String> payloads = RecordedEvents.threeRecordings();
    Map<String, Integer> seqOf = new HashMap<>();
    for (int i = 0; i < payloads.size(); i++) {
      seqOf.put(payloads.get(i), i + 1);
    }
    assertEquals(payloads.size(), seqOf.size(), "source payloads are distinct");

    String topic = kafka.createTopic("sse-sigkill", Map.of());
    Path dataDir = dir.resolve("data");
    List<BridgeProcess> started = new ArrayList<>();
    try (TestSseServer server =
        new TestSseServer(TestSseServer.messageFrames(payloads), "retry: 100\n\n", 0, 1000 / RATE)) {
      String[] args = {"--source", server.url()};

      BridgeProcess first = BridgeProcess.start(dir, "run1", kafka.bootstrap(), topic, dataDir, args);
      started.add(first);
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (server.framesSent() < 150 && System.nanoTime() < deadline && first.isAlive()) {
        Thread.sleep(10);
      }
      assertTrue(server.framesSent() >= 150, "server sent only " + server.framesSent() + "\n" + first.describe());
      first.kill(); // SIGKILL
      assertEquals(137, first.waitFor(10), "killed by SIGKILL\n" + first.describe());
      long killedAt = System.nanoTime();
      int sentAtKill = server.connections().get(0).lastFullySent;

      Path positionFile = PositionStore.defaultFile(dataDir, server.url());
      int saved = Integer.parseInt(Files.readString(positionFile, StandardCharsets.UTF_8).trim());
      Set<Integer> afterKill = seqs(SseBridgeIT.values(kafka.readAll(topic)), seqOf);
      // Everything up to the saved position was acknowledged, so it is in Kafka.
      for (int seq = 1; seq <= saved; seq++) {
        assertTrue(afterKill.contains(seq), "event " + seq + " <= saved position " + saved + " is missing");
      }
      Set<Integer> beyondSaved = new TreeSet<>();
      afterKill.stream().filter(s -> s > saved).forEach(beyondSaved::add);
      assertTrue(afterKill.stream().allMatch(s -> s <= sentAtKill), "Kafka holds events the server never sent");

      BridgeProcess second = BridgeProcess.start(dir, "run2", kafka.bootstrap(), topic, dataDir, args);
      started.add(second);
      long expectedRecords = payloads.size() + beyondSaved.size();
      assertEquals(
          expectedRecords,
          kafka.awaitCount(topic, expectedRecords, Duration.ofSeconds(60)),
          "records after the restart\n" + second.describe());
      TestSseServer.Connection resumed = server.connections().get(1);
      long reconnectMs = (resumed.arrivedNanos - killedAt) / 1_000_000;
      long firstEventMs = (resumed.firstFrameNanos - killedAt) / 1_000_000;
      Thread.sleep(500); // anything else sent twice would arrive now
      second.terminate();
      assertEquals(0, second.waitFor(30), "exit status of run 2\n" + second.describe());

      // The restart asked for exactly the saved position.
      assertEquals(2, server.connections().size(), server.connections().toString());
      assertEquals(Integer.toString(saved), resumed.lastEventId, "Last-Event-ID of the restart");
      int resumedCount = payloads.size() - saved;
      assertTrue(
          second.stdout().contains("read=" + resumedCount + " sent=" + resumedCount + " keyless=0"),
          second.stdout());

      // Kafka: nothing lost; the repeats are exactly the events run 1 got in beyond its saved position.
      List<String> all = SseBridgeIT.values(kafka.readAll(topic));
      assertEquals(new HashSet<>(payloads), new HashSet<>(all), "every event is in Kafka");
      Map<Integer, Integer> copies = new TreeMap<>();
      for (String v : all) {
        copies.merge(seqOf.get(v), 1, Integer::sum);
      }
      List<Integer> repeated = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
      assertTrue(copies.values().stream().allMatch(n -> n <= 2), "an event more than twice: " + copies);
      assertEquals(new ArrayList<>(beyondSaved), repeated, "repeats = events in Kafka beyond the saved position");
      assertTrue(repeated.size() <= MAX_REPEATS, repeated.size() + " repeats");
      LOG.info(
          "SIGKILL after {} events sent; saved position {}; {} repeats in Kafka ({}); restarted bridge"
              + " reconnected {} ms after the kill, first event {} ms after it",
          sentAtKill, saved, repeated.size(), repeated, reconnectMs, firstEventMs);
    } finally {
      started.forEach(BridgeProcess::kill);
      kafka.deleteTopic(topic);
    }
  }

  private static Set<Integer> seqs(List<String> values, Map<String, Integer> seqOf) {
    Set<Integer> out = new HashSet<>();
    for (String v : values) {
      assertTrue(out.add(seqOf.get(v)), "event " + seqOf.get(v) + " twice before the restart");
    }
    return out;
  }
}
