package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;

/**
 * {@code --loop}: a recorded file replayed again and again, every event with a fresh id and the send
 * time, everything else as recorded, each still valid for the pipelines' parser.
 */
class LoopReplayTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  /** Collects payloads in memory. */
  private static final class ListSink implements PayloadSink {
    final List<byte[]> payloads = new ArrayList<>();

    @Override
    public void publish(byte[] payload) {
      payloads.add(payload);
    }

    @Override
    public void flush() {}
  }

  @Test
  void loopsOverARecordedFileWithFreshIdsAndCurrentTimes() throws Exception {
    List<String> recorded = org.wikipulse.testing.SampleData.lines(org.wikipulse.testing.SampleData.DATAPLUMBHUB);
    int n = recorded.size();
    Set<String> recordedIds = new HashSet<>();
    for (String line : recorded) {
      recordedIds.add(MAPPER.readTree(line).path("meta").path("id").asText());
    }
    ListSink sink = new ListSink();
    long limit = 2L * n + 5;
    Instant before = Instant.now();
    FileReplaySource source =
        new FileReplaySource(
            org.wikipulse.testing.SampleData.file(org.wikipulse.testing.SampleData.DATAPLUMBHUB), 0, limit, true, sink, new StopSignal());
    source.run();
    Instant after = Instant.now();

    assertEquals(limit, sink.payloads.size());
    assertEquals(limit, source.read());
    assertEquals(3, source.passes());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < sink.payloads.size(); i++) {
      byte[] payload = sink.payloads.get(i);
      WikiEvent e = RecentChangeParser.parse(payload);
      assertTrue(ids.add(e.eventId), "repeated id at " + i);
      assertTrue(!recordedIds.contains(e.eventId), "a recorded id was kept at " + i);
      long t = e.eventTime.getMillis() / 1000;
      assertTrue(t >= before.getEpochSecond() && t <= after.getEpochSecond(), "time " + e.eventTime);
      // Everything but meta.id, meta.dt and timestamp is as recorded, pass after pass.
      ObjectNode original = (ObjectNode) MAPPER.readTree(recorded.get(i % n));
      ObjectNode rewritten = (ObjectNode) MAPPER.readTree(payload);
      for (ObjectNode node : List.of(original, rewritten)) {
        ((ObjectNode) node.get("meta")).remove(List.of("id", "dt"));
        node.remove("timestamp");
      }
      assertEquals(original, rewritten, "event " + i);
    }
  }

  @Test
  void rewritesIdAndTimesOnlyAndPassesNonEventsThrough() throws Exception {
    UUID fixed = UUID.fromString("00000000-0000-4000-8000-000000000001");
    ReplayRewriter rewriter = new ReplayRewriter(() -> fixed);
    Instant now = Instant.parse("2026-11-29T09:00:01.234567Z");
    byte[] in =
        "{\"meta\":{\"id\":\"x\",\"dt\":\"2019-01-01T00:00:00Z\",\"domain\":\"en.wikipedia.org\"},\"timestamp\":1546300800,\"type\":\"edit\",\"title\":\"Ä\"}"
            .getBytes(StandardCharsets.UTF_8);
    JsonNode out = MAPPER.readTree(rewriter.rewrite(in, now));
    assertEquals(
        "{\"meta\":{\"id\":\"00000000-0000-4000-8000-000000000001\",\"dt\":\"2026-11-29T09:00:01.234Z\",\"domain\":\"en.wikipedia.org\"},\"timestamp\":1795942801,\"type\":\"edit\",\"title\":\"Ä\"}",
        MAPPER.writeValueAsString(out));
    for (String bad : List.of("not json", "[1,2]", "{\"type\":\"edit\"}", "{\"meta\":3}")) {
      byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(bytes, rewriter.rewrite(bytes, now), bad);
    }
  }

  @Test
  void stopsOnAStopSignalAndRefusesToLoopOverAnEmptyFile() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.ndjson"), "\n  \n");
    ListSink sink = new ListSink();
    BridgeException e =
        assertThrows(
            BridgeException.class,
            () -> new FileReplaySource(empty, 0, 0, true, sink, new StopSignal()).run());
    assertTrue(e.getMessage().contains("holds no events"), e.getMessage());

    Path one = Files.writeString(dir.resolve("one.ndjson"), "{\"meta\":{\"id\":\"a\"},\"timestamp\":1}\n");
    StopSignal stop = new StopSignal();
    PayloadSink stopAfter100 =
        new PayloadSink() {
          int n;

          @Override
          public void publish(byte[] payload) {
            if (++n == 100) {
              stop.stop();
            }
          }

          @Override
          public void flush() {}
        };
    FileReplaySource source = new FileReplaySource(one, 0, 0, true, stopAfter100, stop);
    source.run();
    assertEquals(100, source.read());
    assertEquals(100, source.passes());
  }
}
