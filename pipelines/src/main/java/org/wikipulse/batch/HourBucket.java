package org.wikipulse.batch;

import org.joda.time.Instant;

/** The hour bucket of an event time: the time truncated to its UTC hour. One home for the rule. */
public final class HourBucket {
  public static final long HOUR_MILLIS = 3_600_000L;

  private HourBucket() {}

  public static long of(long eventTimeMillis) {
    return Math.floorDiv(eventTimeMillis, HOUR_MILLIS) * HOUR_MILLIS;
  }

  public static Instant of(Instant eventTime) {
    return new Instant(of(eventTime.getMillis()));
  }
}
