package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Malformed SSE lines and malformed JSON payloads between real events: the bridge keeps going, publishes
 * every message event with data (malformed JSON with a null key), and skips only non-message and empty
 * events.
 */
class SseMalformedIT {

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

  /** An expected Kafka record: key (null for none) and value. */
  record Expected(String key, String value) {}

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void malformedInputDoesNotStopTheBridge() throws Exception {
    // Real events 1..10 of DataPlumbHub, with malformed lines and payloads among them, then event 11.
    List<String> real = RecordedEvents.lines(RecordedEvents.DATAPLUMBHUB).subList(0, 11);
    List<TestSseServer.Frame> frames = new ArrayList<>();
    List<Expected> expected = new ArrayList<>();
    int seq = 0;
    for (int i = 0; i < 10; i++) {
      String eol = i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\r" : "\n";
      frames.add(frame(++seq, "id: " + seq + eol + "event: message" + eol + "data: " + real.get(i) + eol + eol));
      expected.add(new Expected(PayloadInfo.of(bytes(real.get(i))).serverName(), real.get(i)));
      switch (i) {
        case 1 -> {
          // Garbage lines, a bad retry, an unknown field, invalid UTF-8 in a comment; then not-JSON.
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          b.writeBytes(bytes("this line has no colon\nretry: soon\nunknownfield: x\n: "));
          b.write(0xff);
          b.write(0xfe);
          b.writeBytes(bytes("\nid: " + (++seq) + "\ndata: not json at all\n\n"));
          frames.add(new TestSseServer.Frame(seq, b.toByteArray()));
          expected.add(new Expected(null, "not json at all"));
        }
        case 2 -> {
          String truncated = "{\"server_name\": \"truncated.example\", \"meta\": {\"dt\": \"2025-05-03";
          frames.add(frame(++seq, "id: " + seq + "\nevent: message\ndata: " + truncated + "\n\n"));
          expected.add(new Expected(null, truncated));
        }
        case 3 -> {
          String numeric = "{\"server_name\": 42, \"meta\": {}}";
          frames.add(frame(++seq, "id: " + seq + "\ndata: " + numeric + "\n\n"));
          expected.add(new Expected(null, numeric));
          String array = "[\"server_name\", \"x\"]";
          frames.add(frame(++seq, "id: " + seq + "\ndata: " + array + "\n\n"));
          expected.add(new Expected(null, array));
        }
        case 4 -> {
          // Not published: an error event and an event with empty data.
          frames.add(frame(++seq, "id: " + seq + "\nevent: error\ndata: {\"server_name\": \"x.org\"}\n\n"));
          frames.add(frame(++seq, "id: " + seq + "\ndata:\n\n"));
        }
        case 5 -> {
          // Multi-line data: joined with \n, still one JSON object with a key.
          frames.add(
              frame(
                  ++seq,
                  "id: " + seq + "\ndata: {\"server_name\": \"multi.example\",\ndata:  \"meta\": {\"dt\": \"2025-01-01T00:00:00Z\"}}\n\n"));
          expected.add(
              new Expected(
                  "multi.example",
                  "{\"server_name\": \"multi.example\",\n \"meta\": {\"dt\": \"2025-01-01T00:00:00Z\"}}"));
        }
        case 6 -> {
          // An id with NUL is ignored: the event keeps the valid id written after it.
          String trailing = "{\"server_name\": \"x.org\"} trailing garbage";
          frames.add(frame(++seq, "id: bad\u0000id\nid: " + seq + "\ndata: " + trailing + "\n\n"));
          expected.add(new Expected(null, trailing));
        }
        default -> {
          // nothing extra
        }
      }
    }
    frames.add(frame(++seq, "id: " + seq + "\ndata: " + real.get(10) + "\n\n"));
    expected.add(new Expected(PayloadInfo.of(bytes(real.get(10))).serverName(), real.get(10)));
    assertEquals(17, expected.size());

    String topic = kafka.createTopic("sse-malformed", Map.of());
    try (TestSseServer server = new TestSseServer(frames, "retry: 100\n\n", 0, 0).failNext(503, 1)) {
      BridgeProcess bridge =
          BridgeProcess.start(dir, "bridge", kafka.bootstrap(), topic, dir.resolve("data"), "--source", server.url());
      assertEquals(
          expected.size(),
          kafka.awaitCount(topic, expected.size(), Duration.ofSeconds(30)),
          "records\n" + bridge.describe());
      Thread.sleep(300); // anything extra would arrive now
      assertTrue(bridge.isAlive(), "bridge stopped on malformed input\n" + bridge.describe());
      bridge.terminate();
      assertEquals(0, bridge.waitFor(30), bridge.describe());
      assertTrue(
          bridge.stdout().contains("read=17 sent=17 keyless=5 skipped=2 reconnects=1 position=" + seq + " "),
          bridge.stdout());
      // The first connection got HTTP 503 (Retry-After: 1): retried once, after about a second.
      List<TestSseServer.Connection> connections = server.connections();
      assertEquals(2, connections.size(), connections.toString());
      assertEquals(503, connections.get(0).status);
      assertEquals(200, connections.get(1).status);
      assertNull(connections.get(1).lastEventId, "nothing was acknowledged before the retry");

      List<Expected> actual = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic)) {
        actual.add(
            new Expected(
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                new String(r.value(), StandardCharsets.UTF_8)));
      }
      assertEquals(expected.size(), actual.size());
      assertEquals(
          expected.stream().sorted(BY_VALUE).toList(), actual.stream().sorted(BY_VALUE).toList());
      long keyless = actual.stream().filter(e -> e.key() == null).count();
      assertEquals(5, keyless);
      assertNull(actual.stream().filter(e -> e.value().equals("not json at all")).findFirst().get().key());
    } finally {
      kafka.deleteTopic(topic);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void forbiddenIsFatal() throws Exception {
    // HTTP 403 (what Wikimedia answers to a User-Agent it rejects) cannot be fixed by retrying: exit 1.
    try (TestSseServer server = new TestSseServer(List.of(), "", 0, 0).failNext(403, 1)) {
      BridgeProcess bridge =
          BridgeProcess.start(
              dir, "forbidden", kafka.bootstrap(), "unused-topic", dir.resolve("data"), "--source", server.url());
      assertEquals(1, bridge.waitFor(30), bridge.describe());
      assertTrue(bridge.stderr().contains("HTTP 403 from " + server.url()), bridge.describe());
      assertTrue(bridge.stderr().contains("User-Agent"), bridge.describe());
      assertEquals(1, server.connections().size());
    }
  }

  private static final java.util.Comparator<Expected> BY_VALUE = java.util.Comparator.comparing(Expected::value);

  private static TestSseServer.Frame frame(int seq, String text) {
    return new TestSseServer.Frame(seq, bytes(text));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
