package org.wikipulse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LakePartitionTest {
  /** The layout as first written: {@code String.format} of the UTC year and month. */
  private static String formatted(long millis) {
    ZonedDateTime t = java.time.Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    return String.format("year=%04d/month=%02d", t.getYear(), t.getMonthValue());
  }

  @Test
  void monthAndYearEdgesMatchTheFormattedLayout() {
    long[] instants = {
      0L, -1L, 1L,
      java.time.Instant.parse("2026-02-28T23:59:59.999Z").toEpochMilli(),
      java.time.Instant.parse("2026-03-01T00:00:00Z").toEpochMilli(),
      java.time.Instant.parse("2025-12-31T23:59:59.999Z").toEpochMilli(),
      java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(),
      java.time.Instant.parse("0999-06-15T12:00:00Z").toEpochMilli(),
      java.time.Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(),
    };
    for (long t : instants) {
      assertEquals(formatted(t), LakePartition.of(t), "at " + t);
    }
    assertEquals("year=2026/month=02", LakePartition.of(java.time.Instant.parse("2026-02-26T15:49:00Z").toEpochMilli()));
  }

  @Test
  void everyHourOfFiveYearsMatchesTheFormattedLayout() {
    long start = java.time.Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    for (long t = start - 3_600_000L * 24 * 365; t < start + 3_600_000L * 24 * 366 * 4; t += 3_599_999L) {
      assertEquals(formatted(t), LakePartition.of(t));
    }
  }
}
