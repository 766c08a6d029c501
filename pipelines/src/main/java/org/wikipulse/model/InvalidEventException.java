package org.wikipulse.model;

/** Thrown by {@link RecentChangeParser} when a payload cannot become a {@link WikiEvent}; the message is the reason a dead letter carries. */
public class InvalidEventException extends Exception {
  public InvalidEventException(String reason) {
    super(reason);
  }
}
