package org.wikipulse.serving;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speed layer's consumer lag: for its consumer group, the sum over the topic's partitions of
 * (latest offset - committed offset). Measured by a background thread every few seconds so that a
 * request never waits on Kafka; {@link #latest()} is null while Kafka cannot be reached or the group
 * has committed nothing yet. Reads: Kafka's admin API. Writes: nothing.
 */
public final class ConsumerLag implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

  private final Admin admin;
  private final String group;
  private final String topic;
  private final ScheduledExecutorService scheduler;
  private volatile Long latest;
  private volatile boolean reachable = true;

  public ConsumerLag(String bootstrap, String group, String topic, Duration every) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "wikipulse-serving-lag");
    this.admin = Admin.create(p);
    this.group = group;
    this.topic = topic;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "consumer-lag");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::measure, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last measured lag in records, or null when unknown. */
  public Long latest() {
    return latest;
  }

  void measure() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> ours =
          committed.entrySet().stream()
              .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      if (ours.isEmpty()) {
        latest = null;
        return;
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin
              .listOffsets(ours.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
              .all()
              .get(5, TimeUnit.SECONDS);
      long lag = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : ours.entrySet()) {
        lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
      }
      latest = lag;
      if (!reachable) {
        LOG.info("Kafka reachable again: consumer lag of {} is {}", group, lag);
      }
      reachable = true;
    } catch (Exception e) {
      latest = null;
      if (reachable) {
        LOG.warn("cannot measure the consumer lag of group {} (Kafka unreachable?): {}", group, e.toString());
      }
      reachable = false;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
