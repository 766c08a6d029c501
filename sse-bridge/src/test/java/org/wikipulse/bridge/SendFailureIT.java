package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** A Kafka send that finally fails stops the bridge with a non-zero exit and keeps its position. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendFailureIT {

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
  void refusedSendIsFatalAndThePositionStopsBeforeIt() throws Exception {
    // The topic takes batches of at most 20 kB. Events 1-10 and 12-30 are real (about 1-2 kB); event 11
    // is a 200 kB JSON object the broker refuses (MESSAGE_TOO_LARGE is not retriable). The bridge must
    // exit 1, and its position must stay at 10 even if later events were acknowledged.
    List<String> real = RecordedEvents.lines(RecordedEvents.DATAPLUMBHUB);
    List<String> payloads = new ArrayList<>(real.subList(0, 10));
    StringBuilder noise = new StringBuilder();
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      noise.append((char) ('a' + random.nextInt(26)));
    }
    String huge = "{\"server_name\": \"huge.example\", \"blob\": \"" + noise + "\"}";
    payloads.add(huge);
    payloads.addAll(real.subList(10, 29));
    String topic = kafka.createTopic("too-large", Map.of("max.message.bytes", "20000"));
    Path positionFile = dir.resolve("position.txt");
    try (TestSseServer server =
        new TestSseServer(TestSseServer.messageFrames(payloads), "retry: 100\n\n", 0, 10)) {
      BridgeProcess bridge =
          BridgeProcess.start(
              dir, "bridge", kafka.bootstrap(), topic, dir.resolve("data"),
              "--source", server.url(),
              "--position-file", positionFile.toString(),
              "--producer-property", "linger.ms=0");
      assertEquals(1, bridge.waitFor(40), bridge.describe());
      String err = bridge.stderr();
      assertTrue(err.contains("Kafka send to topic '" + topic + "'"), bridge.describe());
      assertTrue(err.contains("RecordTooLargeException"), bridge.describe());
      assertTrue(bridge.stdout().contains("bridge FAILED: read="), bridge.stdout());
      assertTrue(bridge.stdout().contains("position=10 "), bridge.stdout());
      assertEquals("10\n", Files.readString(positionFile, StandardCharsets.UTF_8), "position before the refused event");
      assertEquals(1, server.connections().size(), "no reconnect after a fatal send failure");
      List<String> inKafka = SseBridgeIT.values(kafka.readAll(topic));
      assertTrue(inKafka.containsAll(payloads.subList(0, 10)), "events 1-10 are in Kafka");
      assertTrue(!inKafka.contains(huge), "the refused event is not");
    } finally {
      kafka.deleteTopic(topic);
    }
  }

  @Test
  void retriesEndAndTheSavedPositionStaysWhenTheBrokerIsUnreachable() throws Exception {
    // SSE source with a saved position 5, broker port closed: the sends are retried until
    // delivery.timeout.ms / max.block.ms, then the bridge exits 1 and the position file still says 5.
    List<String> payloads = RecordedEvents.lines(RecordedEvents.DATAPLUMBHUB).subList(0, 20);
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    Path positionFile = dir.resolve("position.txt");
    Files.writeString(positionFile, "5\n", StandardCharsets.UTF_8);
    try (TestSseServer server =
        new TestSseServer(TestSseServer.messageFrames(payloads), "retry: 100\n\n", 0, 0)) {
      BridgeProcess bridge =
          BridgeProcess.start(
              dir, "bridge", "127.0.0.1:" + freePort, "never-created", dir.resolve("data"),
              "--source", server.url(),
              "--position-file", positionFile.toString(),
              "--producer-property", "max.block.ms=2000",
              "--producer-property", "delivery.timeout.ms=3000",
              "--producer-property", "request.timeout.ms=1000",
              "--producer-property", "linger.ms=0");
      assertEquals(1, bridge.waitFor(40), bridge.describe());
      assertTrue(
          bridge.stderr().contains("Kafka send to topic 'never-created' at 127.0.0.1:" + freePort),
          bridge.describe());
      assertTrue(bridge.stdout().contains("sent=0 ") && bridge.stdout().contains("position=5 "), bridge.stdout());
      assertEquals("5\n", Files.readString(positionFile, StandardCharsets.UTF_8), "position unchanged");
      assertEquals("5", server.connections().get(0).lastEventId, "resumed from the saved position");
      assertEquals(1, server.connections().size(), "no reconnect after a fatal send failure");
    }
  }
}
