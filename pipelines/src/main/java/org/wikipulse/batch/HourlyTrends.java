package org.wikipulse.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/**
 * View 2, {@code historical_hourly_trends}: one row for every UTC hour of the range, empty hours
 * included, with the hour's events, bytes, bot events, new pages ({@code type = new}) and edits
 * ({@code type = edit}), and the 24-hour moving averages of events and bytes.
 *
 * <p>The moving average of an hour is the mean over the 24 hourly buckets ending at that hour, an
 * hour without events counting 0; hours before the first hour of the range are not counted, so
 * the first row's average is its own value and the 5th row's is the mean of 5 hours. The range's
 * hours are {@code firstHour..lastHour} when given, else from the first to the last hour that has
 * events ({@code --all}).
 */
public class HourlyTrends extends PTransform<PCollection<WikiEvent>, PCollection<HourlyTrends.Trend>> {
  public static final int WINDOW_HOURS = 24;

  private final @Nullable Instant firstHour;
  private final @Nullable Instant lastHour;

  /** Trends over the hours {@code firstHour..lastHour}, or the hours that have events when null. */
  public HourlyTrends(@Nullable Instant firstHour, @Nullable Instant lastHour) {
    if ((firstHour == null) != (lastHour == null)) {
      throw new IllegalArgumentException("give both the first and the last hour, or neither");
    }
    this.firstHour = firstHour;
    this.lastHour = lastHour;
  }

  public static HourlyTrends over(BatchRange range) {
    return new HourlyTrends(range.firstHour(), range.lastHour());
  }

  /** One row of {@code historical_hourly_trends}. */
  public record Trend(
      Instant hourBucket,
      long totalEvents,
      long totalBytes,
      long botCount,
      long newPages,
      long edits,
      double events24hAvg,
      double bytes24hAvg)
      implements Serializable {}

  @Override
  public PCollection<Trend> expand(PCollection<WikiEvent> events) {
    return events
        .apply("TallyPerHour", new HourlyPatterns.TallyPerHour())
        .apply("ToTrendRows", fromTallies());
  }

  /** The rows of this range's hours from the tallies of the hours that have events. */
  public FromTallies fromTallies() {
    return new FromTallies(
        firstHour == null ? null : firstHour.getMillis(), lastHour == null ? null : lastHour.getMillis());
  }

  /** View 2's rows from each hour's tally: every hour of the range, with the moving averages. */
  public static class FromTallies
      extends PTransform<PCollection<KV<Long, EventTally>>, PCollection<Trend>> {
    private final @Nullable Long firstHour;
    private final @Nullable Long lastHour;

    FromTallies(@Nullable Long firstHour, @Nullable Long lastHour) {
      this.firstHour = firstHour;
      this.lastHour = lastHour;
    }

    @Override
    public PCollection<Trend> expand(PCollection<KV<Long, EventTally>> hours) {
      return hours
          .apply("CollectHours", Combine.globally(new CollectToList<KV<Long, EventTally>>()))
          .apply("FillHoursAndAverage", ParDo.of(new TrendsFn(firstHour, lastHour)))
          .setCoder(SerializableCoder.of(Trend.class));
    }
  }

  /** Emits the trend rows of all hours from the whole list of hour tallies. */
  static class TrendsFn extends DoFn<List<KV<Long, EventTally>>, Trend> {
    private final @Nullable Long firstHour;
    private final @Nullable Long lastHour;

    TrendsFn(@Nullable Long firstHour, @Nullable Long lastHour) {
      this.firstHour = firstHour;
      this.lastHour = lastHour;
    }

    @ProcessElement
    public void processElement(@Element List<KV<Long, EventTally>> hours, OutputReceiver<Trend> out) {
      SortedMap<Long, EventTally> byHour = new TreeMap<>();
      hours.forEach(h -> byHour.put(h.getKey(), h.getValue()));
      trends(byHour, firstHour, lastHour).forEach(out::output);
    }
  }

  /**
   * The definition itself: the rows for hours {@code first..last} (epoch millis of hour starts;
   * when null, the first and last key of {@code byHour}) from the tallies of the hours that have
   * events. Hours of {@code byHour} outside {@code first..last} are ignored.
   */
  public static List<Trend> trends(
      SortedMap<Long, EventTally> byHour, @Nullable Long first, @Nullable Long last) {
    List<Trend> rows = new ArrayList<>();
    if (first == null || last == null) {
      if (byHour.isEmpty()) {
        return rows;
      }
      first = byHour.firstKey();
      last = byHour.lastKey();
    }
    EventTally empty = new EventTally();
    int hours = (int) ((last - first) / HourBucket.HOUR_MILLIS) + 1;
    long[] events = new long[hours];
    long[] bytes = new long[hours];
    long windowEvents = 0;
    long windowBytes = 0;
    for (int i = 0; i < hours; i++) {
      long hour = first + i * HourBucket.HOUR_MILLIS;
      EventTally t = byHour.getOrDefault(hour, empty);
      events[i] = t.events;
      bytes[i] = t.bytes;
      windowEvents += t.events;
      windowBytes += t.bytes;
      if (i >= WINDOW_HOURS) {
        windowEvents -= events[i - WINDOW_HOURS];
        windowBytes -= bytes[i - WINDOW_HOURS];
      }
      int counted = Math.min(i + 1, WINDOW_HOURS);
      rows.add(
          new Trend(
              new Instant(hour),
              t.events,
              t.bytes,
              t.botEvents,
              t.newPages,
              t.edits,
              (double) windowEvents / counted,
              (double) windowBytes / counted));
    }
    return rows;
  }
}
