package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Issue #8, fault 4: the SSE source drops the connection every two seconds and answers one reconnect
 * with 429 (Retry-After: 11) and a later one with 503 (Retry-After: 3). The bridge must wait at least
 * what each Retry-After asks, back off between every two attempts, resume each time with the
 * Last-Event-ID of the last event Kafka acknowledged, and leave every event in Kafka exactly once.
 */
class SseThrottlingIT {

  private static final Logger LOG = LoggerFactory.getLogger(SseThrottlingIT.class);
  private static final int DROP_EVERY = 40;
  private static final int THROTTLED = 3; // connection number answered 429
  private static final int THROTTLE_RETRY_AFTER_S = 11; // above Backoff.MIN_THROTTLED: only Retry-After explains it
  private static final int UNAVAILABLE = 6; // connection number answered 503
  private static final int UNAVAILABLE_RETRY_AFTER_S = 3; // far above the 100 ms retry: base after a good stream

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
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void dropsA429AndA503AreWaitedOutAndNothingIsLostOrRepeated() throws Exception {
    // 322 real events with ids 1..322 at 20 events/s; a mid-frame drop after every 40 (every ~2 s).
    List<String> payloads = RecordedEvents.threeRecordings();
    assertEquals(payloads.size(), new HashSet<>(payloads).size(), "source payloads are distinct");

    String topic = kafka.createTopic("sse-throttled", Map.of());
    try (TestSseServer server =
        new TestSseServer(TestSseServer.messageFrames(payloads), "retry: 100\n: hello\n\n", DROP_EVERY, 50)
            .failConnection(THROTTLED, 429, THROTTLE_RETRY_AFTER_S)
            .failConnection(UNAVAILABLE, 503, UNAVAILABLE_RETRY_AFTER_S)) {
      long start = System.nanoTime();
      BridgeProcess bridge =
          BridgeProcess.start(dir, "bridge", kafka.bootstrap(), topic, dir.resolve("data"), "--source", server.url());
      try {
        assertEquals(
            payloads.size(),
            kafka.awaitCount(topic, payloads.size(), Duration.ofSeconds(100)),
            "records in Kafka\n" + server.connections() + "\n" + bridge.describe());
        LOG.info("all {} events in Kafka after {} ms", payloads.size(), (System.nanoTime() - start) / 1_000_000);
        Thread.sleep(500); // anything sent twice would arrive now
        bridge.terminate();
        assertEquals(0, bridge.waitFor(30), "exit status after SIGTERM\n" + bridge.describe());
      } finally {
        bridge.kill();
      }

      List<TestSseServer.Connection> connections = server.connections();
      String report = connections.toString();
      assertEquals(429, connections.get(THROTTLED - 1).status, report);
      assertEquals(503, connections.get(UNAVAILABLE - 1).status, report);
      assertNull(connections.get(0).lastEventId, report);
      // Each reconnect resumes right after the last event the previous good connection delivered:
      // through a failed attempt the Last-Event-ID stays the same.
      int lastDelivered = 0;
      for (int i = 1; i < connections.size(); i++) {
        TestSseServer.Connection previous = connections.get(i - 1);
        TestSseServer.Connection c = connections.get(i);
        if (previous.status == 200) {
          assertTrue(previous.droppedByServer, "only server drops end a connection: " + report);
          lastDelivered = previous.lastFullySent;
        }
        assertEquals(Integer.toString(lastDelivered), c.lastEventId, "connection " + c.number + ": " + report);
        // Every attempt waits: at least half the server's 100 ms retry (the jitter's lower bound).
        long gapMs = (c.arrivedNanos - previous.endedNanos) / 1_000_000;
        assertTrue(gapMs >= 50, "connection " + c.number + " came " + gapMs + " ms after the previous one: " + report);
      }
      assertEquals(payloads.size(), connections.get(connections.size() - 1).lastFullySent, report);
      assertEquals(2 + (payloads.size() + DROP_EVERY - 1) / DROP_EVERY, connections.size(), "connections: " + report);

      long throttledWaitMs = gapMillis(connections, THROTTLED);
      long unavailableWaitMs = gapMillis(connections, UNAVAILABLE);
      assertTrue(throttledWaitMs >= THROTTLE_RETRY_AFTER_S * 1000L, "429 waited only " + throttledWaitMs + " ms");
      assertTrue(throttledWaitMs < (THROTTLE_RETRY_AFTER_S + 10) * 1000L, "429 waited " + throttledWaitMs + " ms");
      assertTrue(unavailableWaitMs >= UNAVAILABLE_RETRY_AFTER_S * 1000L, "503 waited only " + unavailableWaitMs + " ms");
      assertTrue(unavailableWaitMs < (UNAVAILABLE_RETRY_AFTER_S + 10) * 1000L, "503 waited " + unavailableWaitMs + " ms");
      String err = bridge.stderr();
      assertTrue(err.contains("HTTP 429 (too many requests)"), bridge.describe());
      assertTrue(err.contains("HTTP 503 from"), bridge.describe());
      LOG.info(
          "recovery: 429 (Retry-After {} s) -> events flowing again after {} ms; 503 (Retry-After {} s) -> after {} ms;"
              + " {} connections, {} server drops",
          THROTTLE_RETRY_AFTER_S, recoveryMillis(connections, THROTTLED),
          UNAVAILABLE_RETRY_AFTER_S, recoveryMillis(connections, UNAVAILABLE),
          connections.size(), connections.stream().filter(c -> c.droppedByServer).count());

      // Kafka: every event exactly once.
      List<String> all = SseBridgeIT.values(kafka.readAll(topic));
      assertEquals(payloads.size(), all.size(), "record count");
      assertEquals(new HashSet<>(payloads), new HashSet<>(all), "same payloads");
      assertTrue(
          bridge.stdout().contains("read=" + payloads.size() + " sent=" + payloads.size() + " keyless=0"),
          bridge.stdout());
    } finally {
      kafka.deleteTopic(topic);
    }
  }

  /** From the failed response of connection {@code failed} to the arrival of the next attempt. */
  private static long gapMillis(List<TestSseServer.Connection> connections, int failed) {
    return (connections.get(failed).arrivedNanos - connections.get(failed - 1).endedNanos) / 1_000_000;
  }

  /** From the failed response of connection {@code failed} to the first event written after it. */
  private static long recoveryMillis(List<TestSseServer.Connection> connections, int failed) {
    return (connections.get(failed).firstFrameNanos - connections.get(failed - 1).endedNanos) / 1_000_000;
  }
}
