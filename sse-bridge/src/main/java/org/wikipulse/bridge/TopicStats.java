package org.wikipulse.bridge;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.wikipulse.common.Settings;

/**
 * The {@code wikipulse topic} command: how many events the Kafka topic of {@link Settings} holds, per
 * partition (start offset, end offset, events = end - start) and in total. Exits 1 with a message when
 * the broker does not answer within {@link #TIMEOUT_SECONDS} s or the topic does not exist.
 *
 * <p>Reads: topic metadata and offsets from Kafka (Admin API). Writes: a table on stdout.
 */
public final class TopicStats {

  static final int TIMEOUT_SECONDS = 10;

  private TopicStats() {}

  public static void main(String[] args) {
    // A CLI answer, not a service log: keep the Kafka client's connection retries out of the output.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    System.exit(run(args, Settings.fromEnvironment(), System.out, System.err));
  }

  static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
    String usage =
        "Usage: wikipulse topic\n\nShows the start and end offset of each partition of $WIKIPULSE_TOPIC"
            + " at $WIKIPULSE_KAFKA_BOOTSTRAP, and the total.";
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(usage);
      return 0;
    }
    if (args.length > 0) {
      err.println("topic: unexpected argument '" + args[0] + "'");
      err.println(usage);
      return 2;
    }
    String bootstrap = settings.kafkaBootstrap();
    String topic = settings.topic();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_SECONDS * 1000));
    props.put(
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_SECONDS * 1000));
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "wikipulse-topic-stats");
    try (Admin admin = Admin.create(props)) {
      TopicDescription description =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .get(topic);
      List<TopicPartition> partitions =
          description.partitions().stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      Map<TopicPartition, Long> starts = offsets(admin, partitions, OffsetSpec.earliest());
      Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
      out.printf("topic %s at %s%n", topic, bootstrap);
      out.printf(Locale.ROOT, "%9s %14s %14s %14s%n", "partition", "start offset", "end offset", "events");
      long totalEnd = 0;
      long totalEvents = 0;
      for (TopicPartition tp : partitions) {
        long s = starts.get(tp);
        long e = ends.get(tp);
        totalEnd += e;
        totalEvents += e - s;
        out.printf(Locale.ROOT, "%9d %14d %14d %14d%n", tp.partition(), s, e, e - s);
      }
      out.printf(Locale.ROOT, "%9s %14s %14d %14d%n", "total", "", totalEnd, totalEvents);
      return 0;
    } catch (TimeoutException e) {
      err.printf(
          "topic: the Kafka broker at %s did not answer within %d s (is it running? ./wikipulse services up)%n",
          bootstrap, TIMEOUT_SECONDS);
      return 1;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownTopicOrPartitionException) {
        err.printf("topic: topic '%s' does not exist at %s%n", topic, bootstrap);
      } else if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        err.printf(
            "topic: the Kafka broker at %s did not answer within %d s (is it running? ./wikipulse services up)%n",
            bootstrap, TIMEOUT_SECONDS);
      } else {
        err.printf("topic: cannot read topic '%s' at %s: %s%n", topic, bootstrap, cause);
      }
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("topic: interrupted");
      return 1;
    }
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, ListOffsetsResultInfo> result =
        admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }
}
