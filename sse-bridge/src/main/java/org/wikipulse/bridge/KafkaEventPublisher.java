package org.wikipulse.bridge;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes payloads to one Kafka topic, unchanged, keyed by {@code server_name} (see {@link
 * PayloadInfo}), with an idempotent producer ({@code acks=all}, lz4, at most 5 requests in flight, so
 * per-partition order survives retries). It tracks the <em>acknowledged position</em>: the source
 * position (SSE event id) of the newest event such that it and every event published before it were
 * acknowledged by the broker. Acknowledgements from different partitions arrive in any order, so this
 * is a contiguous watermark, never the id of an event that followed an unacknowledged one. A send that
 * finally fails (after the producer's own retries, within {@code delivery.timeout.ms}) is recorded; the
 * watermark never passes it, and {@link #checkHealthy()} and {@link #flush()} then throw.
 *
 * <p>Reads: nothing but its arguments. Writes: records to the Kafka topic.
 */
public final class KafkaEventPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final String bootstrap;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong keyless = new AtomicLong();
  private volatile String ackedPosition;
  private volatile Runnable failureListener;
  private volatile String lastEventTime;

  /** An event handed to the producer and not yet part of the acknowledged prefix. */
  private static final class Pending {
    final String position;
    final String eventTime;
    final boolean keyless;
    boolean done;

    Pending(String position, String eventTime, boolean keyless) {
      this.position = position;
      this.eventTime = eventTime;
      this.keyless = keyless;
    }
  }

  /**
   * Opens a producer for {@code topic} at {@code bootstrap}; {@code overrides} (from {@code
   * --producer-property}) replace any default.
   */
  public KafkaEventPublisher(
      String bootstrap, String topic, String startPosition, Map<String, String> overrides) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.ackedPosition = startPosition;
    this.producer = new KafkaProducer<>(producerProperties(bootstrap, overrides));
  }

  /** The producer settings: the defaults below, then {@code overrides}. */
  static Properties producerProperties(String bootstrap, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "wikipulse-sse-bridge");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
    // Leave the size judgement to the broker, which sees the compressed batch: a rare large event
    // (long parsed comments) must not be refused client-side at its uncompressed size.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
    p.putAll(overrides);
    return p;
  }

  /**
   * Hands {@code payload} to the producer. {@code position} is the source position this event brings
   * the bridge to (an SSE id; null for file replay). Throws {@link BridgeException} if an earlier send
   * has already failed or the producer refuses the record.
   */
  public void publish(byte[] payload, String position) {
    checkHealthy();
    PayloadInfo info = PayloadInfo.of(payload);
    byte[] key = info.key();
    Pending entry = new Pending(position, info.eventTime(), key == null);
    synchronized (lock) {
      pending.addLast(entry);
    }
    published.incrementAndGet();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, payload),
          (metadata, exception) -> {
            if (exception != null) {
              onFailure(exception);
            } else {
              onAcknowledged(entry);
            }
          });
    } catch (RuntimeException e) {
      onFailure(e);
    }
    checkHealthy();
  }

  private void onAcknowledged(Pending entry) {
    synchronized (lock) {
      entry.done = true;
      while (!pending.isEmpty() && pending.peekFirst().done) {
        Pending head = pending.removeFirst();
        acknowledged.incrementAndGet();
        if (head.keyless) {
          keyless.incrementAndGet();
        }
        if (head.position != null) {
          ackedPosition = head.position;
        }
        if (head.eventTime != null) {
          lastEventTime = head.eventTime;
        }
      }
    }
  }

  private void onFailure(Exception exception) {
    if (failure.compareAndSet(null, exception)) {
      LOG.error("Kafka send to topic {} at {} failed: {}", topic, bootstrap, exception.toString());
      Runnable listener = failureListener;
      if (listener != null) {
        listener.run();
      }
    }
  }

  /**
   * Runs {@code listener} (once, on the producer's thread) when a send has finally failed: for a
   * reader that may be waiting for its source rather than publishing, so that it notices at once
   * instead of when its next event comes (a quiet stream could keep it waiting for minutes).
   */
  public void onFailure(Runnable listener) {
    this.failureListener = listener;
    if (failure.get() != null) {
      listener.run();
    }
  }

  /** Throws {@link BridgeException} when a send has finally failed. */
  public void checkHealthy() {
    Exception e = failure.get();
    if (e != null) {
      throw new BridgeException(
          "Kafka send to topic '"
              + topic
              + "' at "
              + bootstrap
              + " failed after the producer's retries: "
              + e
              + " — stopping; the saved position stays at the last acknowledged event",
          e);
    }
  }

  /** Waits until every send so far is acknowledged or failed; throws if one failed. */
  public void flush() {
    // After a failed send, later in-flight sends of an idempotent producer can be retried until
    // delivery.timeout.ms (out-of-order sequence): don't wait for them, the bridge stops anyway.
    checkHealthy();
    try {
      producer.flush();
    } catch (RuntimeException e) {
      onFailure(e);
    }
    checkHealthy();
  }

  /** The acknowledged position (see the class comment); empty before any position is known. */
  public Optional<String> ackedPosition() {
    return Optional.ofNullable(ackedPosition);
  }

  /** Events handed to the producer. */
  public long published() {
    return published.get();
  }

  /** Events acknowledged, in the contiguous prefix. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** Acknowledged events that had no key. */
  public long keyless() {
    return keyless.get();
  }

  /** {@code meta.dt} of the newest acknowledged event that had one, or null. */
  public String lastEventTime() {
    return lastEventTime;
  }

  public String topic() {
    return topic;
  }

  /** Closes the producer, waiting at most {@code timeout} for outstanding sends. */
  public void close(Duration timeout) {
    try {
      producer.close(timeout);
    } catch (RuntimeException e) {
      LOG.warn("Closing the Kafka producer failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
