package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Replaying recorded NDJSON(.gz) files: exact contents in Kafka, counts printed, --limit and --rate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileReplayIT {

  private static KafkaTestSupport kafka;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<String> topics = new ArrayList<>();

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

  @AfterEach
  void deleteTopics() {
    topics.forEach(kafka::deleteTopic);
  }

  private String topic(String purpose) throws Exception {
    String t = kafka.createTopic(purpose, Map.of());
    topics.add(t);
    return t;
  }

  private BridgeProcess replay(String name, String topic, String... args) throws Exception {
    return BridgeProcess.start(dir, name, kafka.bootstrap(), topic, dir.resolve("data"), args);
  }

  @Test
  void replaysEveryEditgroupsEventExactlyOnce() throws Exception {
    // All 5807 Wikidata-editgroups events, unpaced: Kafka holds exactly those payloads, keyed www.wikidata.org.
    List<String> lines = RecordedEvents.lines(RecordedEvents.EDITGROUPS);
    assertEquals(5807, lines.size());
    String topic = topic("replay-all");
    BridgeProcess bridge =
        replay("bridge", topic, "--source", RecordedEvents.file(RecordedEvents.EDITGROUPS).toString());
    assertEquals(0, bridge.waitFor(45), bridge.describe());
    assertTrue(bridge.stdout().contains("read=5807 sent=5807 keyless=0 blank=0"), bridge.stdout());

    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic);
    assertEquals(5807, records.size());
    assertEquals(counts(lines), counts(SseBridgeIT.values(records)), "payload multiset");
    assertTrue(
        records.stream().allMatch(r -> "www.wikidata.org".equals(new String(r.key(), StandardCharsets.UTF_8))),
        "every key is www.wikidata.org");
    assertEquals(5807, kafka.count(topic), "nothing more than that");
    assertEquals(Files.exists(dir.resolve("data/bridge")), false, "no position file for files");
  }

  @Test
  void limitStopsAfterNEvents() throws Exception {
    // --limit 100 on DataPlumbHub: exactly its first 100 events.
    List<String> lines = RecordedEvents.lines(RecordedEvents.DATAPLUMBHUB);
    String topic = topic("replay-limit");
    BridgeProcess bridge =
        replay(
            "bridge", topic,
            "--source", RecordedEvents.file(RecordedEvents.DATAPLUMBHUB).toString(), "--limit", "100");
    assertEquals(0, bridge.waitFor(45), bridge.describe());
    assertTrue(bridge.stdout().contains("read=100 sent=100 keyless=0"), bridge.stdout());
    assertEquals(counts(lines.subList(0, 100)), counts(SseBridgeIT.values(kafka.readAll(topic))));
  }

  @Test
  void rateSpacesTheEvents() throws Exception {
    // --rate 40 --limit 60: event 60 is due 59/40 = 1.475 s after the first; unpaced it takes ~0.1 s.
    String topic = topic("replay-rate");
    BridgeProcess bridge =
        replay(
            "bridge", topic,
            "--source", RecordedEvents.file(RecordedEvents.VISAALPATHAK).toString(),
            "--rate", "40", "--limit", "60");
    assertEquals(0, bridge.waitFor(45), bridge.describe());
    String out = bridge.stdout();
    assertTrue(out.contains("read=60 sent=60"), out);
    Matcher m = Pattern.compile("elapsed=([0-9.]+)s").matcher(out);
    assertTrue(m.find(), out);
    double elapsed = Double.parseDouble(m.group(1));
    assertTrue(elapsed >= 1.45 && elapsed < 4.0, "elapsed " + elapsed + " s for 60 events at 40/s");
    assertEquals(60, kafka.count(topic));
  }

  @Test
  void detectsGzipByMagicBytesSkipsBlankLinesAndKeepsMalformedJson() throws Exception {
    // A plain file named .gz (with CRLF, blank lines, a non-JSON line, no final LF) and a gzip file
    // named .ndjson: both read by content.
    List<String> events = RecordedEvents.lines(RecordedEvents.SAT99496);
    Path plainNamedGz = dir.resolve("plain.ndjson.gz");
    String plain =
        events.get(0) + "\r\n\r\n   \n" + events.get(1) + "\nnot json\n\n" + events.get(2) + "\r\n" + events.get(3);
    Files.writeString(plainNamedGz, plain, StandardCharsets.UTF_8);
    Path gzipNamedPlain = dir.resolve("gzip.ndjson");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipNamedPlain))) {
      out.write(String.join("\n", events.subList(4, 50)).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    String topic = topic("replay-detect");
    BridgeProcess first = replay("plain", topic, "--source", plainNamedGz.toString());
    assertEquals(0, first.waitFor(45), first.describe());
    assertTrue(first.stdout().contains("read=5 sent=5 keyless=1 blank=3"), first.stdout());
    BridgeProcess second = replay("gzip", topic, "--source", gzipNamedPlain.toString());
    assertEquals(0, second.waitFor(45), second.describe());
    assertTrue(second.stdout().contains("read=46 sent=46 keyless=0 blank=0"), second.stdout());

    List<String> expected = new ArrayList<>(events);
    expected.add("not json");
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(topic);
    assertEquals(counts(expected), counts(SseBridgeIT.values(records)));
    assertEquals(1, records.stream().filter(r -> r.key() == null).count());
  }

  private static Map<String, Integer> counts(List<String> values) {
    Map<String, Integer> counts = new HashMap<>();
    values.forEach(v -> counts.merge(v, 1, Integer::sum));
    return counts;
  }
}
