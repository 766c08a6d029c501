package org.wikipulse.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** The lifted combine gives what {@code Combine.perKey} gives: per window, per key, per pane. */
public class CombinePerKeyLiftedTest {
  private static final Instant T0 = Instant.parse("2026-02-26T15:49:00Z");
  private static final Duration MINUTE = Duration.standardMinutes(1);

  @Rule public final transient TestPipeline p = TestPipeline.create();

  static class Sum extends Combine.BinaryCombineFn<Long> {
    @Override
    public Long apply(Long a, Long b) {
      return a + b;
    }
  }

  @Test
  public void sameSumsAsCombinePerKeyOverManyKeysAndWindows() {
    // 5,000 elements over 7 keys and 4 windows, with repeats of every key in every bundle.
    Random random = new Random(42);
    List<TimestampedValue<KV<String, Long>>> elements = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Instant at = T0.plus(Duration.millis(random.nextInt(4 * 60_000)));
      elements.add(TimestampedValue.of(KV.of("k" + random.nextInt(7), (long) random.nextInt(1000)), at));
    }
    PCollection<KV<String, Long>> windowed =
        p.apply(Create.timestamped(elements).withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
            .apply(Window.into(FixedWindows.of(MINUTE)));
    PCollection<KV<String, Long>> lifted = windowed.apply("Lifted", CombinePerKeyLifted.of(new Sum()));
    PCollection<KV<String, Long>> plain = windowed.apply("Plain", Combine.perKey(new Sum()));

    for (int w = 0; w < 4; w++) {
      IntervalWindow window = new IntervalWindow(T0.plus(MINUTE.multipliedBy(w)), MINUTE);
      List<KV<String, Long>> expected = new ArrayList<>();
      for (int k = 0; k < 7; k++) {
        long sum = 0;
        for (TimestampedValue<KV<String, Long>> e : elements) {
          if (e.getValue().getKey().equals("k" + k) && !e.getTimestamp().isBefore(window.start()) && e.getTimestamp().isBefore(window.end())) {
            sum += e.getValue().getValue();
          }
        }
        expected.add(KV.of("k" + k, sum));
      }
      PAssert.that(lifted).inWindow(window).containsInAnyOrder(expected);
      PAssert.that(plain).inWindow(window).containsInAnyOrder(expected);
    }
    p.run().waitUntilFinish();
  }

  @Test
  public void onTimeAndLatePanesAccumulateAsBefore() {
    IntervalWindow first = new IntervalWindow(T0, MINUTE);
    TestStream<KV<String, Long>> events =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
            .advanceWatermarkTo(T0)
            .addElements(
                TimestampedValue.of(KV.of("a", 1L), T0.plus(Duration.standardSeconds(1))),
                TimestampedValue.of(KV.of("a", 2L), T0.plus(Duration.standardSeconds(2))),
                TimestampedValue.of(KV.of("b", 10L), T0.plus(Duration.standardSeconds(3))))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(3)))
            // late, within the allowed lateness: corrects the window in a late pane
            .addElements(
                TimestampedValue.of(KV.of("a", 100L), T0.plus(Duration.standardSeconds(4))),
                TimestampedValue.of(KV.of("a", 200L), T0.plus(Duration.standardSeconds(5))))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(20)))
            // later than the allowed lateness: dropped, as by Combine.perKey
            .addElements(TimestampedValue.of(KV.of("a", 9999L), T0.plus(Duration.standardSeconds(6))))
            .advanceWatermarkToInfinity();
    PCollection<KV<String, Long>> out =
        p.apply(events)
            .apply(
                Window.<KV<String, Long>>into(FixedWindows.of(MINUTE))
                    .triggering(
                        AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(Duration.standardMinutes(5))
                    .accumulatingFiredPanes())
            .apply(CombinePerKeyLifted.of(new Sum()));
    PAssert.that(out).inOnTimePane(first).containsInAnyOrder(KV.of("a", 3L), KV.of("b", 10L));
    PAssert.that(out).inLatePane(first).containsInAnyOrder(KV.of("a", 303L));
    p.run().waitUntilFinish();
  }
}
