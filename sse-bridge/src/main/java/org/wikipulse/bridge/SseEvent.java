package org.wikipulse.bridge;

import java.nio.charset.StandardCharsets;

/**
 * One dispatched Server-Sent Event: its type ({@code message} unless an {@code event:} field named
 * another), its data (the {@code data:} lines joined by {@code \n}) and the last event id in force when it
 * was dispatched (ids persist from earlier events, as the SSE specification says; empty when none).
 *
 * <p>Reads and writes nothing: a value.
 */
public record SseEvent(String id, String type, String data) {

  /** The default type of an event without an {@code event:} field. */
  public static final String MESSAGE = "message";

  /** True for {@code message} events with some data: the only events the bridge publishes. */
  public boolean isPublishable() {
    return MESSAGE.equals(type) && !data.isEmpty();
  }

  /** The data as UTF-8 bytes: the payload that goes to Kafka. */
  public byte[] dataBytes() {
    return data.getBytes(StandardCharsets.UTF_8);
  }
}
