package org.wikipulse.serving;

/** A request parameter that is missing, malformed or out of range; answered with 400 and the message. */
public final class BadRequest extends RuntimeException {
  public BadRequest(String message) {
    super(message);
  }
}
