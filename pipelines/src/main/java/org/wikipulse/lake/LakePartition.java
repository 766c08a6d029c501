package org.wikipulse.lake;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The Hive-style partition of an event time: {@code year=YYYY/month=MM} (UTC). One home for the layout. */
public final class LakePartition {
  private LakePartition() {}

  public static String of(long eventTimeMillis) {
    ZonedDateTime t = java.time.Instant.ofEpochMilli(eventTimeMillis).atZone(ZoneOffset.UTC);
    return String.format("year=%04d/month=%02d", t.getYear(), t.getMonthValue());
  }
}
