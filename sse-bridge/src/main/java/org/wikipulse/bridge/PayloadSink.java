package org.wikipulse.bridge;

/**
 * Where file and synthetic sources hand their payloads: Kafka in the bridge ({@link
 * #of(KafkaEventPublisher)}), a list in unit tests.
 *
 * <p>Reads: nothing. Writes: whatever the implementation does with a payload.
 */
public interface PayloadSink {

  /** Hands one payload on; may throw {@link BridgeException} when an earlier send failed. */
  void publish(byte[] payload);

  /** Waits until every payload handed on is acknowledged; throws {@link BridgeException} if not. */
  void flush();

  /** Kafka through {@code publisher}, with no source position (files and generators have none). */
  static PayloadSink of(KafkaEventPublisher publisher) {
    return new PayloadSink() {
      @Override
      public void publish(byte[] payload) {
        publisher.publish(payload, null);
      }

      @Override
      public void flush() {
        publisher.flush();
      }
    };
  }
}
