package org.wikipulse.batch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Instant;
import org.junit.Test;

/** Which events and lake partitions a run covers, and how the range flags are checked. */
public class BatchRangeTest {
  private static final Instant NOW = Instant.parse("2026-02-26T15:49:36.544Z");

  private static BatchRange parse(String... args) {
    return BatchRange.of(
        PipelineOptionsFactory.fromArgs(BatchLayerPipeline.joinFlagValues(args)).as(BatchLayerOptions.class),
        NOW);
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
  }

  @Test
  public void theRangeIsHalfOpenAndReadsOnlyTheMonthsItOverlaps() {
    BatchRange r = parse("--from", "2025-12-31T23:30:00Z", "--to", "2026-03-01T00:00:00Z");

    assertEquals(List.of("year=2025/month=12", "year=2026/month=01", "year=2026/month=02"), r.partitions());
    assertEquals(
        List.of("s3://lake/x/raw_events/year=2025/month=12/*.parquet", "s3://lake/x/raw_events/year=2026/month=01/*.parquet",
            "s3://lake/x/raw_events/year=2026/month=02/*.parquet"),
        r.filePatterns("s3://lake/x/"));
    assertTrue(r.contains(Instant.parse("2025-12-31T23:30:00Z")));
    assertTrue(r.contains(Instant.parse("2026-02-28T23:59:59.999Z")));
    assertFalse(r.contains(Instant.parse("2026-03-01T00:00:00Z")));
    assertFalse(r.contains(Instant.parse("2025-12-31T23:29:59.999Z")));
    assertEquals(Instant.parse("2025-12-31T23:00:00Z"), r.firstHour());
    assertEquals(Instant.parse("2026-02-28T23:00:00Z"), r.lastHour());

    BatchRange oneMoreMilli = parse("--from=2026-02-28T23:00:00Z", "--to=2026-03-01T00:00:00.001Z");
    assertEquals(List.of("year=2026/month=02", "year=2026/month=03"), oneMoreMilli.partitions());
    assertEquals(Instant.parse("2026-03-01T00:00:00Z"), oneMoreMilli.lastHour());
  }

  @Test
  public void daysCountBackFromNowAndDefaultToOne() {
    BatchRange week = parse("--days=7");
    assertEquals(NOW.minus(7L * 24 * 3600 * 1000), week.from());
    assertEquals(NOW, week.to());
    assertEquals(Instant.parse("2026-02-19T15:00:00Z"), week.firstHour());
    assertEquals(Instant.parse("2026-02-26T15:00:00Z"), week.lastHour());

    BatchRange byDefault = parse();
    assertEquals(NOW.minus(24L * 3600 * 1000), byDefault.from());
    assertEquals(List.of("year=2026/month=02"), byDefault.partitions());
  }

  @Test
  public void allReadsEveryPartitionAndHasNoBounds() {
    BatchRange all = parse("--all");
    assertTrue(all.isAll());
    assertNull(all.from());
    assertNull(all.firstHour());
    assertEquals(List.of("year=*/month=*"), all.partitions());
    assertTrue(all.contains(Instant.parse("1999-01-01T00:00:00Z")));
  }

  @Test
  public void datesMeanMidnightUtcAndOffsetsAreHonoured() {
    BatchRange r = parse("--from=2026-02-01", "--to=2026-02-26T12:00:00+01:00");
    assertEquals(Instant.parse("2026-02-01T00:00:00Z"), r.from());
    assertEquals(Instant.parse("2026-02-26T11:00:00Z"), r.to());
  }

  @Test
  public void eachWrongCombinationNamesTheFlagToFix() {
    assertEquals("give only one of --from/--to, --days or --all", error("--all", "--days=3"));
    assertEquals("give only one of --from/--to, --days or --all", error("--days=3", "--from=2026-01-01"));
    assertEquals("--from and --to go together: give both", error("--from=2026-01-01"));
    assertEquals("--days must be at least 1, got 0", error("--days=0"));
    assertEquals(
        "--from (2026-02-02T00:00:00.000Z) must be before --to (2026-02-01T00:00:00.000Z)",
        error("--from=2026-02-02", "--to=2026-02-01"));
    assertTrue(error("--from=yesterday", "--to=2026-02-01").startsWith("--from must be an ISO-8601 instant"));
  }

  @Test
  public void flagValuesMayFollowAsTheNextArgument() {
    assertArrayEquals(
        new String[] {"--from=2026-01-01", "--to=2026-02-01", "--runner=SparkRunner", "--all", "--days=2"},
        BatchLayerPipeline.joinFlagValues(
            new String[] {"--from", "2026-01-01", "--to=2026-02-01", "--runner", "SparkRunner", "--all", "--days", "2"}));
  }
}
