package org.wikipulse.speed;

import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/** Event-time behaviour of the traffic-volume windows, one lateness case per test (Beam's LeaderBoardTest is the model). */
public class AggregateTrafficVolumeTest {
  private static final Duration WINDOW = Duration.standardSeconds(10);
  private static final Duration LATENESS = Duration.standardMinutes(5);
  private static final Instant T0 = Instant.parse("2026-02-26T15:49:30Z");
  private static final IntervalWindow FIRST = new IntervalWindow(T0, WINDOW);

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static WikiEvent event(String id, long bytes) {
    WikiEvent e = new WikiEvent();
    e.eventId = id;
    e.eventTime = T0;
    e.type = "edit";
    e.serverName = "en.wikipedia.org";
    e.language = "en";
    e.project = "wikipedia";
    e.lengthDiff = bytes;
    e.bytesChanged = Math.abs(bytes);
    return e;
  }

  private TestStream.Builder<WikiEvent> stream() throws NoSuchSchemaException {
    return TestStream.create(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class))
        .advanceWatermarkTo(T0);
  }

  private PCollection<TrafficVolume> aggregate(TestStream<WikiEvent> events) {
    return p.apply(events)
        .apply(new AggregateTrafficVolume(WINDOW, LATENESS, Duration.standardSeconds(2)));
  }

  @Test
  public void onTimeEventsAreCountedInTheOnTimePane() throws Exception {
    // Three events inside the first window arrive before the watermark passes it.
    TestStream<WikiEvent> events =
        stream()
            .addElements(
                TimestampedValue.of(event("a", 100), T0.plus(Duration.standardSeconds(1))),
                TimestampedValue.of(event("b", -50), T0.plus(Duration.standardSeconds(5))),
                TimestampedValue.of(event("c", 2000), T0.plus(Duration.standardSeconds(9))))
            .advanceWatermarkToInfinity();
    PCollection<TrafficVolume> out = aggregate(events);
    PAssert.that(out)
        .inOnTimePane(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 3, 2150));
    p.run().waitUntilFinish();
  }

  @Test
  public void aLateEventWithinTheAllowedLatenessCorrectsItsWindow() throws Exception {
    // The watermark passes the first window, then an event of that window arrives 2 minutes late.
    TestStream<WikiEvent> events =
        stream()
            .addElements(TimestampedValue.of(event("a", 100), T0.plus(Duration.standardSeconds(1))))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(2)))
            .addElements(TimestampedValue.of(event("late", 30), T0.plus(Duration.standardSeconds(3))))
            .advanceWatermarkToInfinity();
    PCollection<TrafficVolume> out = aggregate(events);
    PAssert.that(out)
        .inOnTimePane(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 1, 100));
    // Panes accumulate: the late pane carries the corrected total, which the upsert keeps.
    PAssert.that(out)
        .inLatePane(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 2, 130));
    p.run().waitUntilFinish();
  }

  @Test
  public void anEventLaterThanTheAllowedLatenessIsDropped() throws Exception {
    // The watermark passes the first window's end plus the allowed lateness before the event arrives.
    TestStream<WikiEvent> events =
        stream()
            .addElements(TimestampedValue.of(event("a", 100), T0.plus(Duration.standardSeconds(1))))
            .advanceWatermarkTo(T0.plus(WINDOW).plus(LATENESS).plus(Duration.standardSeconds(1)))
            .addElements(TimestampedValue.of(event("too-late", 30), T0.plus(Duration.standardSeconds(3))))
            .advanceWatermarkToInfinity();
    PCollection<TrafficVolume> out = aggregate(events);
    PAssert.that(out)
        .inWindow(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 1, 100));
    org.apache.beam.sdk.PipelineResult result = p.run();
    result.waitUntilFinish();
    // Dropped, but not silently: the runner counts it, and the count is in the job's metrics.
    org.junit.Assert.assertEquals(1, RunSummary.droppedLate(result));
  }

  @Test
  public void earlyPanesReportRunningTotalsBeforeTheWindowCloses() throws Exception {
    // Processing time moves on while the window is open: an early pane fires with the partial total.
    TestStream<WikiEvent> events =
        stream()
            .addElements(TimestampedValue.of(event("a", 100), T0.plus(Duration.standardSeconds(1))))
            .advanceProcessingTime(Duration.standardSeconds(3))
            .addElements(TimestampedValue.of(event("b", 20), T0.plus(Duration.standardSeconds(2))))
            .advanceWatermarkToInfinity();
    PCollection<TrafficVolume> out = aggregate(events);
    PAssert.that(out)
        .inEarlyPane(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 1, 100));
    PAssert.that(out)
        .inOnTimePane(FIRST)
        .containsInAnyOrder(new TrafficVolume(FIRST.start(), FIRST.end(), 2, 120));
    p.run().waitUntilFinish();
  }
}
