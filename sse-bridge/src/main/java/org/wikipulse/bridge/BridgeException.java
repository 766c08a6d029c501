package org.wikipulse.bridge;

/**
 * A condition that stops the bridge with a non-zero exit: a Kafka send that finally failed, a source
 * that refuses us (HTTP 4xx), an unreadable file, or a second bridge on the same source. The message is
 * written for the person running the bridge.
 *
 * <p>Reads and writes nothing.
 */
public final class BridgeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public BridgeException(String message) {
    super(message);
  }

  public BridgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
