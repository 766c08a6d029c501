package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wikipulse.common.Settings;

/** {@code wikipulse topic}: per-partition offsets and the total, and clear errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicStatsIT {

  private static KafkaTestSupport kafka;

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

  private record Result(int status, String out, String err) {}

  private static Result run(String bootstrap, String topic) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        TopicStats.run(
            new String[0],
            Settings.of(Map.of(Settings.KAFKA_BOOTSTRAP, bootstrap, Settings.TOPIC, topic)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsOffsetsPerPartitionAndTheTotal() throws Exception {
    // 7 records in partition 0, none in 1, 3 in partition 2.
    String topic = kafka.createTopic("stats", Map.of());
    try {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (int i = 0; i < 7; i++) {
          producer.send(new ProducerRecord<>(topic, 0, null, "a" + i)).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(topic, 2, null, "b" + i)).get(10, TimeUnit.SECONDS);
        }
      }
      Result r = run(kafka.bootstrap(), topic);
      assertEquals(0, r.status(), r.err());
      String[] lines = r.out().strip().split("\n");
      assertEquals("topic " + topic + " at " + kafka.bootstrap(), lines[0]);
      assertEquals(6, lines.length, r.out());
      assertEquals("0 0 7 7", squeeze(lines[2]));
      assertEquals("1 0 0 0", squeeze(lines[3]));
      assertEquals("2 0 3 3", squeeze(lines[4]));
      assertEquals("total 10 10", squeeze(lines[5]));
    } finally {
      kafka.deleteTopic(topic);
    }
  }

  private static String squeeze(String line) {
    return line.trim().replaceAll("\\s+", " ");
  }

  @Test
  void silentBrokerIsAnErrorAfterTenSeconds() throws Exception {
    // Nothing listens on the port: exit 1 with a clear message, after about 10 s.
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    long start = System.nanoTime();
    Result r = run("127.0.0.1:" + freePort, "anything");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(1, r.status());
    assertTrue(r.err().contains("the Kafka broker at 127.0.0.1:" + freePort + " did not answer within 10 s"), r.err());
    assertTrue(seconds >= 9 && seconds < 20, "took " + seconds + " s");
  }

  @Test
  void missingTopicIsAnError() {
    Result r = run(kafka.bootstrap(), "bridge-it-no-such-topic");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("topic 'bridge-it-no-such-topic' does not exist at " + kafka.bootstrap()), r.err());
  }
}
