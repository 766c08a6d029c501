package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.wikipulse.batch.TestEvents.event;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.batch.HourlyTrends.Trend;
import org.wikipulse.model.WikiEvent;

/** View 2: every hour of the range, empty ones too, and the 24-hour moving averages. */
public class HourlyTrendsTest {
  private static final long H = HourBucket.HOUR_MILLIS;
  private static final long T9 = Instant.parse("2026-02-26T09:00:00Z").getMillis();

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static Trend trend(long hour, long n, long bytes, long bots, long news, long edits, double avgN, double avgB) {
    return new Trend(new Instant(hour), n, bytes, bots, news, edits, avgN, avgB);
  }

  @Test
  public void emptyHoursOfTheRangeHaveZeroRowsAndCountInTheAverages() {
    // Range 09:00..12:00; events only at 10:00 (2 events, 140 bytes) and 11:00 (2 events, 7 bytes).
    SortedMap<Long, EventTally> byHour = new TreeMap<>();
    byHour.put(T9 + H, new EventTally(2, 140, 1, 0, 2));
    byHour.put(T9 + 2 * H, new EventTally(2, 7, 1, 1, 0));

    assertEquals(
        List.of(
            trend(T9, 0, 0, 0, 0, 0, 0.0, 0.0), // the first row's average is its own value
            trend(T9 + H, 2, 140, 1, 0, 2, 1.0, 70.0),
            trend(T9 + 2 * H, 2, 7, 1, 1, 0, 4.0 / 3, 49.0),
            trend(T9 + 3 * H, 0, 0, 0, 0, 0, 1.0, 36.75)),
        HourlyTrends.trends(byHour, T9, T9 + 3 * H));
  }

  @Test
  public void theAverageCoversAtMostTheLast24HoursAndNothingBeforeTheRange() {
    // Hour i (0..29) has i+1 events of 10 bytes each; hours before the range hold events that must not count.
    SortedMap<Long, EventTally> byHour = new TreeMap<>();
    byHour.put(T9 - H, new EventTally(1000, 1000, 0, 0, 1000));
    for (int i = 0; i < 30; i++) {
      byHour.put(T9 + i * H, new EventTally(i + 1, 10L * (i + 1), 0, 0, i + 1));
    }
    List<Trend> rows = HourlyTrends.trends(byHour, T9, T9 + 29 * H);

    assertEquals(30, rows.size());
    assertEquals(1.0, rows.get(0).events24hAvg(), 0); // own value: hour T9 - H is not counted
    assertEquals(5.5, rows.get(9).events24hAvg(), 0); // mean of 1..10 over 10 hours
    assertEquals(12.5, rows.get(23).events24hAvg(), 0); // mean of 1..24
    assertEquals(13.5, rows.get(24).events24hAvg(), 0); // mean of 2..25: the 25th hour back drops out
    assertEquals(18.5, rows.get(29).events24hAvg(), 0); // mean of 7..30
    assertEquals(185.0, rows.get(29).bytes24hAvg(), 0);
  }

  @Test
  public void withoutGivenBoundsTheHoursRunFromTheFirstToTheLastHourWithEvents() {
    SortedMap<Long, EventTally> byHour = new TreeMap<>();
    byHour.put(T9, new EventTally(3, 30, 0, 0, 3));
    byHour.put(T9 + 2 * H, new EventTally(1, 6, 1, 0, 1));

    assertEquals(
        List.of(
            trend(T9, 3, 30, 0, 0, 3, 3.0, 30.0),
            trend(T9 + H, 0, 0, 0, 0, 0, 1.5, 15.0),
            trend(T9 + 2 * H, 1, 6, 1, 0, 1, 4.0 / 3, 12.0)),
        HourlyTrends.trends(byHour, null, null));
    assertEquals(List.of(), HourlyTrends.trends(new TreeMap<>(), null, null));
  }

  @Test
  public void theTransformFillsEveryHourOfTheRangeFromEvents() throws Exception {
    // Range [09:30, 12:30): hours 09, 10, 11, 12; an event exactly at 11:00 belongs to hour 11.
    PCollection<WikiEvent> events =
        p.apply(
            Create.of(
                    event("a", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "A", false, 100),
                    event("b", "2026-02-26T10:59:59.999Z", "edit", "en.wikipedia.org", "B", true, -40),
                    event("c", "2026-02-26T11:00:00Z", "new", "en.wikipedia.org", "B", true, 7),
                    event("d", "2026-02-26T11:10:00Z", "log", "en.wikipedia.org", "C", false, 0))
                .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)));
    BatchRange range =
        BatchRange.between(Instant.parse("2026-02-26T09:30:00Z"), Instant.parse("2026-02-26T12:30:00Z"));

    PAssert.that(events.apply(HourlyTrends.over(range)))
        .containsInAnyOrder(
            trend(T9, 0, 0, 0, 0, 0, 0.0, 0.0),
            trend(T9 + H, 2, 140, 1, 0, 2, 1.0, 70.0),
            trend(T9 + 2 * H, 2, 7, 1, 1, 0, 4.0 / 3, 49.0),
            trend(T9 + 3 * H, 0, 0, 0, 0, 0, 1.0, 36.75));
    p.run().waitUntilFinish();
  }
}
