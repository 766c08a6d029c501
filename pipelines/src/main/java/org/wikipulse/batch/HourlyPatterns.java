package org.wikipulse.batch;

import java.io.Serializable;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/**
 * View 1, {@code historical_hourly_patterns}: per UTC hour that has events, the number of events,
 * the bytes they changed (sum of {@code bytes_changed}), the mean bytes per event, and how many
 * were made by bots ({@code is_bot}) and by humans (the rest).
 */
public class HourlyPatterns extends PTransform<PCollection<WikiEvent>, PCollection<HourlyPatterns.Pattern>> {

  /** One row of {@code historical_hourly_patterns}; {@code botEvents + humanEvents = totalEvents}. */
  public record Pattern(
      Instant hourBucket,
      long totalEvents,
      long totalBytes,
      double avgBytes,
      long botEvents,
      long humanEvents)
      implements Serializable {

    public static Pattern of(long hourBucket, EventTally t) {
      return new Pattern(
          new Instant(hourBucket), t.events, t.bytes, t.avgBytes(), t.botEvents, t.humanEvents());
    }
  }

  /** The hour bucket an event counts in: the view's key (views 1 and 2). */
  public static long hourOf(WikiEvent e) {
    return HourBucket.of(e.eventTime.getMillis());
  }

  @Override
  public PCollection<Pattern> expand(PCollection<WikiEvent> events) {
    return events.apply("TallyPerHour", new TallyPerHour()).apply("ToPatternRows", fromTallies());
  }

  /** The rows from the tallies of the hours that have events. */
  public static FromTallies fromTallies() {
    return new FromTallies();
  }

  /** View 1's rows from each hour's tally. */
  public static class FromTallies
      extends PTransform<PCollection<KV<Long, EventTally>>, PCollection<Pattern>> {
    @Override
    public PCollection<Pattern> expand(PCollection<KV<Long, EventTally>> hours) {
      return hours
          .apply(
              "ToPatternRow",
              MapElements.into(TypeDescriptor.of(Pattern.class))
                  .via((KV<Long, EventTally> hour) -> Pattern.of(hour.getKey(), hour.getValue())))
          .setCoder(SerializableCoder.of(Pattern.class));
    }
  }

  /** The {@link EventTally} of every hour bucket that has events (shared with the trends). */
  static class TallyPerHour
      extends PTransform<PCollection<WikiEvent>, PCollection<KV<Long, EventTally>>> {
    @Override
    public PCollection<KV<Long, EventTally>> expand(PCollection<WikiEvent> events) {
      return events
          .apply(
              "KeyByHour",
              WithKeys.<Long, WikiEvent>of(HourlyPatterns::hourOf).withKeyType(TypeDescriptors.longs()))
          .apply("TallyHour", Combine.perKey(new EventTally.TallyFn()));
    }
  }
}
