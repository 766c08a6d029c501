package org.wikipulse.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wikipulse.common.Settings;
import org.wikipulse.sql.Databases;
import org.wikipulse.sql.Migrate;

/**
 * The real services the integration tests use, found through the WIKIPULSE_* environment that
 * {@code ./wikipulse test} sets: each test gets its own Kafka topic, database and lake prefix, so
 * tests never see each other's data. A service that does not answer fails the test with a message.
 */
public final class TestServices {
  public static final Settings SETTINGS = Settings.fromEnvironment();

  private TestServices() {}

  public static String kafka() {
    return SETTINGS.kafkaBootstrap();
  }

  /** Creates {@code topic} with {@code partitions} partitions; fails clearly if Kafka is not there. */
  public static void createTopic(String topic, int partitions) throws Exception {
    createTopic(topic, partitions, Map.of());
  }

  /** Creates {@code topic} with topic-level {@code configs} (e.g. {@code max.message.bytes}). */
  public static void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
    try (AdminClient admin =
        AdminClient.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "no Kafka broker answers at " + kafka() + ": run the tests with ./wikipulse test "
              + "(or start one with ./wikipulse services up and set WIKIPULSE_KAFKA_BOOTSTRAP)", e);
    }
  }

  /** Publishes {@code values} in order, keyed as the bridge keys them (server_name, or none). */
  public static void produce(String topic, List<byte[]> values, List<String> keys) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String key = keys.get(i);
      byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
      records.add(new ProducerRecord<>(topic, keyBytes, values.get(i)));
    }
    send(records);
  }

  /** Publishes {@code values} in order to partition {@code partition} of {@code topic}, unkeyed. */
  public static void produceToPartition(String topic, int partition, List<byte[]> values) throws Exception {
    send(values.stream().map(v -> new ProducerRecord<byte[], byte[]>(topic, partition, null, v)).toList());
  }

  /** Publishes one record to each of {@code topic}'s partitions {@code 0..partitions-1}. */
  public static void produceToEveryPartition(String topic, int partitions, byte[] value, String key)
      throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int partition = 0; partition < partitions; partition++) {
      records.add(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value));
    }
    send(records);
  }

  /** Sends {@code records} in order with an idempotent producer (acks=all) and waits for every ack. */
  private static void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> acks = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> record : records) {
        acks.add(producer.send(record));
      }
      producer.flush();
      for (Future<?> ack : acks) {
        ack.get();
      }
    }
  }

  /** A fresh, migrated database {@code name} on the test PostgreSQL server; returns its URL. */
  public static String freshDatabase(String name) throws Exception {
    String url = Databases.withDatabase(SETTINGS.jdbcUrl(), name);
    Databases.dropIfExists(url, SETTINGS.dbUser(), SETTINGS.dbPassword());
    Migrate.migrate(url, SETTINGS.dbUser(), SETTINGS.dbPassword());
    return url;
  }

  public static void dropDatabase(String url) throws Exception {
    Databases.dropIfExists(url, SETTINGS.dbUser(), SETTINGS.dbPassword());
  }

  /** The first column of the first row of {@code sql}, as a long (0 for NULL). */
  public static long queryLong(String url, String sql) throws Exception {
    try (Connection c = Databases.connect(url, SETTINGS.dbUser(), SETTINGS.dbPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every row of {@code sql} as one string per row, columns joined by '|'. */
  public static List<String> queryRows(String url, String sql) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    try (Connection c = Databases.connect(url, SETTINGS.dbUser(), SETTINGS.dbPassword());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  /** A lake root of its own for one test, inside the configured lake. */
  public static String lake(String name) {
    String lake = SETTINGS.lake();
    return (lake.endsWith("/") ? lake : lake + "/") + name;
  }
}
