package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wikipulse.common.Settings;

/** Command-line parsing: defaults from Settings, every flag, and the errors that exit 2. */
class BridgeOptionsTest {

  private static final Settings SETTINGS =
      Settings.of(
          Map.of(
              Settings.KAFKA_BOOTSTRAP, "10.0.0.1:9092",
              Settings.TOPIC, "t1",
              Settings.DATA_DIR, "/srv/wikipulse"));

  @Test
  void defaultsComeFromSettings() throws Exception {
    BridgeOptions o = BridgeOptions.parse(new String[0], SETTINGS);
    assertEquals(BridgeOptions.DEFAULT_SOURCE, o.source());
    assertTrue(o.isStream());
    assertEquals("10.0.0.1:9092", o.kafkaBootstrap());
    assertEquals("t1", o.topic());
    assertEquals(0, o.rate());
    assertEquals(0, o.limit());
    assertNull(o.since());
    assertTrue(o.userAgentIsDefault());
    assertEquals(
        Path.of("/srv/wikipulse/bridge/position-" + PositionStore.shortHash(BridgeOptions.DEFAULT_SOURCE) + ".txt"),
        o.positionFile());
    assertEquals(12, PositionStore.shortHash("x").length());
  }

  @Test
  void readsEveryFlagInBothForms() throws Exception {
    BridgeOptions o =
        BridgeOptions.parse(
            new String[] {
              "--source", "events.ndjson.gz",
              "--rate=12.5",
              "--limit", "100",
              "--since", "2025-05-03T07:46:00Z",
              "--user-agent", "Me/1 (me@example.org)",
              "--position-file=/tmp/p.txt",
              "--producer-property", "linger.ms=5",
              "--producer-property=acks=all"
            },
            SETTINGS);
    assertFalse(o.isStream());
    assertEquals("events.ndjson.gz", o.source());
    assertEquals(12.5, o.rate());
    assertEquals(100, o.limit());
    assertEquals(Instant.parse("2025-05-03T07:46:00Z"), o.since());
    assertEquals("Me/1 (me@example.org)", o.userAgent());
    assertFalse(o.userAgentIsDefault());
    assertEquals(Path.of("/tmp/p.txt"), o.positionFile());
    assertEquals(Map.of("linger.ms", "5", "acks", "all"), o.producerProperties());
  }

  @Test
  void syntheticAndLoopArePacedByDefault() throws Exception {
    BridgeOptions synthetic = BridgeOptions.parse(new String[] {"--synthetic", "--seed=42"}, SETTINGS);
    assertTrue(synthetic.synthetic());
    assertFalse(synthetic.isStream());
    assertEquals(42, synthetic.seed());
    assertEquals(BridgeOptions.DEFAULT_GENERATED_RATE, synthetic.effectiveRate());
    BridgeOptions loop =
        BridgeOptions.parse(new String[] {"--source", "f.ndjson.gz", "--loop", "--rate", "100"}, SETTINGS);
    assertTrue(loop.loop());
    assertEquals(100, loop.effectiveRate());
    assertEquals(
        BridgeOptions.DEFAULT_GENERATED_RATE,
        BridgeOptions.parse(new String[] {"--source", "f.ndjson", "--loop"}, SETTINGS).effectiveRate());
    assertEquals(0, BridgeOptions.parse(new String[] {"--source", "f.ndjson"}, SETTINGS).effectiveRate());
    BridgeOptions randomSeed = BridgeOptions.parse(new String[] {"--synthetic"}, SETTINGS);
    assertEquals(randomSeed.seed(), randomSeed.seed());
  }

  @Test
  void sinceAcceptsOffsetsAndDates() throws Exception {
    assertEquals(Instant.parse("2025-05-03T05:46:00Z"), BridgeOptions.parseTime("2025-05-03T07:46:00+02:00"));
    assertEquals(Instant.parse("2025-05-03T00:00:00Z"), BridgeOptions.parseTime("2025-05-03"));
    assertEquals(
        "https://x.org/s?since=2025-05-03T00%3A00%3A00Z",
        SseSource.withSince("https://x.org/s", Instant.parse("2025-05-03T00:00:00Z")).toString());
    assertEquals(
        "https://x.org/s?a=1&since=2025-05-03T00%3A00%3A00Z",
        SseSource.withSince("https://x.org/s?a=1", Instant.parse("2025-05-03T00:00:00Z")).toString());
  }

  @Test
  void badFlagsAreUsageErrors() {
    String[][] bad = {
      {"--bogus"},
      {"--bogus", "x"},
      {"--rate"},
      {"--rate", "fast"},
      {"--rate", "0"},
      {"--rate", "-3"},
      {"--limit", "1.5"},
      {"--limit", "0"},
      {"--since", "yesterday"},
      {"--source", ""},
      {"--producer-property", "novalue"},
      {"stray"},
      {"--synthetic", "--source", "f.ndjson"},
      {"--synthetic=yes"},
      {"--seed", "1"},
      {"--synthetic", "--seed", "x"},
      {"--loop"},
      {"--loop", "--source", "https://x.org/s"},
      {"--loop", "--synthetic"}
    };
    for (String[] args : bad) {
      assertThrows(BridgeOptions.UsageException.class, () -> BridgeOptions.parse(args, SETTINGS), String.join(" ", args));
    }
  }

  @Test
  void cliExitsTwoWithUsageOnBadFlagsAndZeroOnHelp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        BridgeMain.run(
            new String[] {"--limit", "many"},
            SETTINGS,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    String errText = err.toString(StandardCharsets.UTF_8);
    assertTrue(errText.contains("--limit needs a positive whole number, got 'many'"), errText);
    assertTrue(errText.contains("Usage: wikipulse bridge"), errText);
    assertEquals("", out.toString(StandardCharsets.UTF_8));

    out.reset();
    assertEquals(0, BridgeMain.run(new String[] {"--help"}, SETTINGS, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--position-file"));
  }
}
