package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wikipulse.common.Settings;

/**
 * The real Kafka broker the integration tests use: found through {@code WIKIPULSE_KAFKA_BOOTSTRAP} (what
 * {@code ./wikipulse test} exports). A broker that does not answer fails the test with a message saying
 * how to start one — these tests never skip. Each test gets its own fresh 3-partition topic.
 *
 * <p>Reads: topic metadata, offsets and records. Writes: topics (create, delete).
 */
final class KafkaTestSupport implements AutoCloseable {

  static final int PARTITIONS = 3;

  /** Set when the broker did not answer: later test classes fail at once instead of waiting again. */
  private static volatile String unreachable;

  private final String bootstrap;
  private final Admin admin;

  private KafkaTestSupport(String bootstrap, Admin admin) {
    this.bootstrap = bootstrap;
    this.admin = admin;
  }

  /** Connects to the broker or fails the test with a clear message. */
  static KafkaTestSupport connect() {
    String bootstrap = Settings.fromEnvironment().kafkaBootstrap();
    if (unreachable != null) {
      fail(unreachable); // already waited once in this JVM: fail the next test class at once
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    Admin admin = Admin.create(p);
    try {
      admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      admin.close(Duration.ofSeconds(1));
      unreachable =
          "No Kafka broker answered at "
              + bootstrap
              + " within 10 s ("
              + e
              + "). These tests need a real broker: run them through ./wikipulse test (it starts one on"
              + " 127.0.0.1:19092), or start one and set WIKIPULSE_KAFKA_BOOTSTRAP.";
      fail(unreachable);
    }
    return new KafkaTestSupport(bootstrap, admin);
  }

  String bootstrap() {
    return bootstrap;
  }

  /** Creates a fresh 3-partition topic named after {@code purpose}, with optional topic configs. */
  String createTopic(String purpose, Map<String, String> configs) throws Exception {
    String name = "bridge-it-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1).configs(configs)))
        .all()
        .get(30, TimeUnit.SECONDS);
    return name;
  }

  void deleteTopic(String name) {
    try {
      admin.deleteTopics(List.of(name)).all().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort: a leftover topic in a test broker harms nothing
    }
  }

  /** End offset of each partition. */
  Map<Integer, Long> endOffsets(String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int i = 0; i < PARTITIONS; i++) {
      request.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  /** Records in the topic (sum of end offsets; the test topics are never truncated). */
  long count(String topic) throws Exception {
    return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Waits until the topic holds at least {@code expected} records; returns the count then. */
  long awaitCount(String topic, long expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = count(topic);
    while (count < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
      count = count(topic);
    }
    return count;
  }

  /** Every record of the topic, partition by partition, each in offset order. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
    Map<Integer, Long> ends = endOffsets(topic);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(topic, i)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp.partition()))) {
        if (System.nanoTime() > deadline) {
          fail("could not read " + ends + " records of " + topic + " within 30 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    records.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return records;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
