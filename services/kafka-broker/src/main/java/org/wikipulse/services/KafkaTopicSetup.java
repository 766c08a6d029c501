package org.wikipulse.services;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Used by {@code ./wikipulse services up}: waits until the local broker answers, then creates the
 * events topic when it is missing (one JVM instead of several TopicCommand runs).
 *
 * <p>Usage: {@code KafkaTopicSetup BOOTSTRAP TOPIC PARTITIONS TIMEOUT_SECONDS}. Prints one line
 * describing the topic; exit code 0 when the topic exists afterwards, 1 when the broker did not answer
 * in time or the topic could not be created.
 *
 * <p>Reads/writes: the Kafka cluster at BOOTSTRAP (topic metadata only).
 */
public final class KafkaTopicSetup {

  private KafkaTopicSetup() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: KafkaTopicSetup BOOTSTRAP TOPIC PARTITIONS TIMEOUT_SECONDS");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "wikipulse-services");

    Exception last = null;
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        try {
          ensureTopic(admin, topic, partitions);
          return;
        } catch (ExecutionException e) {
          last = e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } catch (TimeoutException | RuntimeException e) {
          last = e;
        }
        Thread.sleep(300);
      }
    }
    System.err.println("Kafka at " + bootstrap + " did not answer in time"
        + (last == null ? "" : ": " + last));
    System.exit(1);
  }

  private static void ensureTopic(Admin admin, String topic, int partitions)
      throws ExecutionException, InterruptedException, TimeoutException {
    // Fails with a timeout while the broker is still starting: the caller retries.
    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
    Set<String> names = admin.listTopics().names().get();
    boolean created = false;
    if (!names.contains(topic)) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        created = true;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    Map<String, TopicDescription> described = admin.describeTopics(List.of(topic)).allTopicNames().get();
    int actual = described.get(topic).partitions().size();
    System.out.println("topic " + topic + ": " + actual + " partition(s)" + (created ? " (created)" : " (exists)"));
    if (actual < partitions) {
      System.out.println("warning: topic " + topic + " has " + actual + " partition(s), fewer than "
          + partitions + " (left as it is)");
    }
  }
}
