package org.wikipulse.speed;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.options.KafkaSourceOptions;

/**
 * How many records each partition reads in a bounded run ({@code --maxRecords=N}). Beam's bounded read
 * of an unbounded source splits N evenly over the partitions, and a partition that holds fewer than
 * its share waits forever for more; so {@link ReadRawEvents} reads each partition on its own, with
 * the share this plan gives it: N spread over the partitions in proportion to the records each holds
 * unread (from the consumer group's committed offset, or the beginning), never more than it holds.
 * When N is more than all of them hold, each reads all it holds and the rest is spread evenly: the
 * run then waits for that many new records, as it always did. Reads: the topic's partitions and
 * offsets, and the group's committed offsets (Kafka's consumer API). Writes: nothing.
 *
 * <p>Offsets count records; under {@code read_committed} a transactional producer's markers and
 * aborted records also take offsets, so such a topic can hold fewer records than planned (the bridge
 * does not write transactions).
 */
final class BoundedReadPlan {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedReadPlan.class);

  private BoundedReadPlan() {}

  /** The plan for {@code options}' topic and group, asked of Kafka now; partitions in order. */
  static Map<TopicPartition, Long> of(KafkaSourceOptions options, Map<String, Object> consumerConfig) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getKafkaBootstrap());
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(options.getTopic());
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException(
            "--maxRecords: topic " + options.getTopic() + " has no partitions at " + options.getKafkaBootstrap()
                + " (does it exist? the bridge creates it)");
      }
      List<TopicPartition> partitions =
          infos.stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .sorted(Comparator.comparingInt(TopicPartition::partition))
              .toList();
      Set<TopicPartition> all = Set.copyOf(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(all);
      Map<TopicPartition, Long> beginning = consumer.beginningOffsets(all);
      Map<TopicPartition, Long> end = consumer.endOffsets(all);
      long[] unread = new long[partitions.size()];
      for (int i = 0; i < unread.length; i++) {
        TopicPartition tp = partitions.get(i);
        OffsetAndMetadata c = committed.get(tp);
        long from = c == null ? beginning.get(tp) : Math.max(c.offset(), beginning.get(tp));
        unread[i] = Math.max(0, end.get(tp) - from);
      }
      long[] shares = shares(options.getMaxRecords(), unread);
      Map<TopicPartition, Long> plan = new LinkedHashMap<>();
      for (int i = 0; i < shares.length; i++) {
        plan.put(partitions.get(i), shares[i]);
      }
      LOG.info(
          "--maxRecords={} over topic {}: {}",
          options.getMaxRecords(),
          options.getTopic(),
          describe(partitions, shares, unread));
      return plan;
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "--maxRecords: could not read the partitions of topic " + options.getTopic() + " at "
              + options.getKafkaBootstrap() + " to plan the bounded read: " + e.getMessage(), e);
    }
  }

  /**
   * {@code n} records spread over partitions holding {@code unread} records each: in proportion to
   * {@code unread} (largest remainders first, ties to the lower partition), never more than a
   * partition holds while {@code n} fits in the total; the excess over the total spread evenly.
   */
  static long[] shares(long n, long[] unread) {
    long total = Arrays.stream(unread).sum();
    long[] shares = new long[unread.length];
    if (n >= total) {
      long excess = n - total;
      for (int i = 0; i < unread.length; i++) {
        shares[i] = unread[i] + excess / unread.length + (i < excess % unread.length ? 1 : 0);
      }
      return shares;
    }
    long given = 0;
    List<Integer> byRemainder = new ArrayList<>();
    long[] remainder = new long[unread.length];
    for (int i = 0; i < unread.length; i++) {
      // n < total here, so each share is below what its partition holds; BigInteger: n * unread may overflow
      BigInteger[] qr =
          BigInteger.valueOf(n).multiply(BigInteger.valueOf(unread[i])).divideAndRemainder(BigInteger.valueOf(total));
      shares[i] = qr[0].longValueExact();
      remainder[i] = qr[1].longValueExact();
      given += shares[i];
      byRemainder.add(i);
    }
    byRemainder.sort(
        (a, b) -> remainder[a] != remainder[b] ? Long.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
    for (int k = 0; given < n; k++) {
      shares[byRemainder.get(k)]++;
      given++;
    }
    return shares;
  }

  private static String describe(List<TopicPartition> partitions, long[] shares, long[] unread) {
    return IntStream.range(0, unread.length)
        .mapToObj(
            i -> "partition " + partitions.get(i).partition() + " reads " + shares[i] + " (" + unread[i] + " unread now)")
        .collect(Collectors.joining(", "));
  }
}
