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

  @Override
  public PCollection<Pattern> expand(PCollection<WikiEvent> events) {
    return events
        .apply("TallyPerHour", new TallyPerHour())
        .apply(
            "ToPatternRow",
            MapElements.into(TypeDescriptor.of(Pattern.class))
                .via((KV<Long, EventTally> hour) -> Pattern.of(hour.getKey(), hour.getValue())))
        .setCoder(SerializableCoder.of(Pattern.class));
  }

  /** The {@link EventTally} of every hour bucket that has events (shared with the trends). */
  static class TallyPerHour
      extends PTransform<PCollection<WikiEvent>, PCollection<KV<Long, EventTally>>> {
    @Override
    public PCollection<KV<Long, EventTally>> expand(PCollection<WikiEvent> events) {
      return events
          .apply(
              "KeyByHour",
              WithKeys.<Long, WikiEvent>of(e -> HourBucket.of(e.eventTime.getMillis()))
                  .withKeyType(TypeDescriptors.longs()))
          .apply("TallyHour", Combine.perKey(new EventTally.TallyFn()));
    }
  }
}
