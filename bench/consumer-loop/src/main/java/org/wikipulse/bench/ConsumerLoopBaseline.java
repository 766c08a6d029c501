package org.wikipulse.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wikipulse.common.Settings;
import org.wikipulse.jdbc.RecentChangesStatement;
import org.wikipulse.model.InvalidEventException;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.FilterNoise;

/**
 * Bench-only baseline for the speed layer (issue #7 item 2): what the original system did, a plain
 * Kafka consumer loop (the Python Quix Streams app parsed each event and inserted batches of 100),
 * here on the project's own rules — {@link RecentChangeParser#parse(byte[])}, the noise rules of
 * {@link FilterNoise.NoiseRules}, and {@link RecentChangesStatement}'s INSERT — so that the only
 * difference from the speed layer is the engine around them. No Parquet, no dead letters, no
 * de-duplication window, no aggregates.
 *
 * <p>Reads: a Kafka topic (values as bytes; read_committed, from the earliest offset of a fresh
 * group). Writes: rows of {@code realtime_recent_changes}, one autocommitted INSERT per batch of 100
 * kept events; the group's offsets (commitSync once the full batches of a poll are written, only up
 * to the last record they cover); one line of key=value figures to stdout. Stops after {@code
 * --maxRecords} records or when no record came for 10 s.
 *
 * <pre>{@code
 * java -cp bench/consumer-loop/target/classes:$(cat bench/consumer-loop/target/classpath.txt) \
 *   org.wikipulse.bench.ConsumerLoopBaseline --consumerGroup=bench-loop-1 --maxRecords=1000000 \
 *   [--kafkaBootstrap=H:P] [--topic=T] [--jdbcUrl=jdbc:postgresql://...] [--dbUser=U]
 * }</pre>
 *
 * The endpoints default to the {@code WIKIPULSE_*} settings, as the speed layer's options do; the
 * password is read from {@code WIKIPULSE_WRITER_PASSWORD} only.
 */
public final class ConsumerLoopBaseline {
  static final int BATCH_SIZE = 100;
  static final Duration IDLE_STOP = Duration.ofSeconds(10);
  static final Duration POLL = Duration.ofMillis(500);
  private static final Set<String> FLAGS =
      Set.of("kafkaBootstrap", "topic", "consumerGroup", "jdbcUrl", "dbUser", "maxRecords");

  // Its Beam counters do nothing outside a pipeline (Beam warns once on stderr); this class counts.
  private final FilterNoise.NoiseRules rules = new FilterNoise.NoiseRules();
  private final RecentChangesStatement statement = new RecentChangesStatement();
  private final List<WikiEvent> batch = new ArrayList<>(BATCH_SIZE);
  /** Next offset per partition of every record handled so far (written, filtered or invalid). */
  private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
  /** {@link #handled} as of the last batch written: what may be committed. */
  private final Map<TopicPartition, OffsetAndMetadata> written = new HashMap<>();

  private long read;
  private long kept;
  private long filtered;
  private long invalid;
  private long inserted;
  private long batches;
  private long lastInsertNanos;

  private ConsumerLoopBaseline() {}

  public static void main(String[] args) throws SQLException {
    Map<String, String> flags = flags(args);
    Settings env = Settings.fromEnvironment();
    String bootstrap = flags.getOrDefault("kafkaBootstrap", env.kafkaBootstrap());
    String topic = flags.getOrDefault("topic", env.topic());
    String group = flags.get("consumerGroup");
    String jdbcUrl = flags.getOrDefault("jdbcUrl", env.jdbcUrl());
    String user = flags.getOrDefault("dbUser", env.writerUser());
    long maxRecords = Long.parseLong(flags.getOrDefault("maxRecords", "0"));
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("--consumerGroup is required (a fresh one reads the topic from the start)");
    }
    if (maxRecords < 0) {
      throw new IllegalArgumentException("--maxRecords must be 0 (until idle) or more");
    }
    Properties kafka = new Properties();
    kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    kafka.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "wikipulse-consumer-loop");
    kafka.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    kafka.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Properties db = new Properties();
    db.put("user", user);
    db.put("password", env.writerPassword());
    db.put("ApplicationName", "wikipulse-consumer-loop");

    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Connection connection = DriverManager.getConnection(jdbcUrl, db);
        PreparedStatement insert = connection.prepareStatement(RecentChangesStatement.SQL)) {
      connection.setAutoCommit(true);
      consumer.subscribe(List.of(topic));
      System.out.println(new ConsumerLoopBaseline().run(consumer, insert, maxRecords));
    }
  }

  /** Polls until {@code maxRecords} (0: no limit) are read or the topic is idle; returns the summary line. */
  String run(KafkaConsumer<byte[], byte[]> consumer, PreparedStatement insert, long maxRecords)
      throws SQLException {
    long firstPoll = System.nanoTime();
    long firstRecord = 0;
    long lastRecord = firstPoll;
    while (maxRecords == 0 || read < maxRecords) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      if (records.isEmpty()) {
        if (System.nanoTime() - lastRecord > IDLE_STOP.toNanos()) {
          break;
        }
        continue;
      }
      lastRecord = System.nanoTime();
      if (firstRecord == 0) {
        firstRecord = lastRecord;
      }
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (maxRecords > 0 && read == maxRecords) {
          break;
        }
        handle(record, insert);
      }
      commit(consumer);
    }
    flush(insert);
    commit(consumer);
    double wall = seconds(firstPoll, lastInsertNanos);
    double fromFirstRecord = seconds(firstRecord, lastInsertNanos);
    return String.format(
        Locale.ROOT,
        "consumer-loop: read=%d kept=%d filtered=%d invalid=%d inserted=%d batches=%d "
            + "seconds=%.2f events_per_s=%.0f from_first_record_seconds=%.2f",
        read, kept, filtered, invalid, inserted, batches, wall, rate(read, wall), fromFirstRecord);
  }

  private void handle(ConsumerRecord<byte[], byte[]> record, PreparedStatement insert)
      throws SQLException {
    read++;
    handled.put(
        new TopicPartition(record.topic(), record.partition()),
        new OffsetAndMetadata(record.offset() + 1));
    WikiEvent event;
    try {
      event = RecentChangeParser.parse(record.value());
    } catch (InvalidEventException | RuntimeException e) {
      // The speed layer dead-letters these (ParseRecentChange catches the same); here they are counted.
      invalid++;
      return;
    }
    if (!rules.keep(event)) {
      filtered++;
      return;
    }
    kept++;
    batch.add(event);
    if (batch.size() == BATCH_SIZE) {
      flush(insert);
    }
  }

  /** One INSERT of the batch (autocommit); every record handled so far is then safe to commit. */
  private void flush(PreparedStatement insert) throws SQLException {
    if (!batch.isEmpty()) {
      statement.setParameters(KV.of(0, batch), insert);
      inserted += insert.executeUpdate();
      batches++;
      batch.clear();
      lastInsertNanos = System.nanoTime();
    }
    written.putAll(handled);
  }

  private void commit(KafkaConsumer<byte[], byte[]> consumer) {
    if (!written.isEmpty()) {
      consumer.commitSync(written);
      written.clear();
    }
  }

  private static double seconds(long fromNanos, long toNanos) {
    return fromNanos == 0 || toNanos <= fromNanos ? 0 : (toNanos - fromNanos) / 1e9;
  }

  private static double rate(long n, double seconds) {
    return seconds == 0 ? 0 : n / seconds;
  }

  /** {@code --name=value} flags, as the pipelines take them. */
  private static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0 || !FLAGS.contains(arg.substring(2, eq))) {
        throw new IllegalArgumentException(
            "usage: ConsumerLoopBaseline --consumerGroup=G [--maxRecords=N] [--kafkaBootstrap=H:P] "
                + "[--topic=T] [--jdbcUrl=URL] [--dbUser=U]; got '" + arg + "'");
      }
      flags.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return flags;
  }
}
