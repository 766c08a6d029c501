package org.wikipulse.speed;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.CombinePerKeyLifted;

/**
 * Event-time fixed windows of traffic: event count and total bytes changed per window. Early panes
 * every {@code earlyFiring} of processing time keep the dashboard live; the on-time pane fires when
 * the watermark passes the window; each late event within {@code allowedLateness} fires a corrected
 * pane. Panes accumulate, so every pane carries the window's full total so far and an upsert of the
 * latest pane is always right. Events later than that are dropped by the runner (its
 * {@code droppedDueToLateness} counter).
 */
public class AggregateTrafficVolume
    extends PTransform<PCollection<WikiEvent>, PCollection<TrafficVolume>> {
  private static final int WHOLE_STREAM = 0;
  private final Duration windowLength;
  private final Duration allowedLateness;
  private final Duration earlyFiring;

  public AggregateTrafficVolume(Duration windowLength, Duration allowedLateness, Duration earlyFiring) {
    this.windowLength = windowLength;
    this.allowedLateness = allowedLateness;
    this.earlyFiring = earlyFiring;
  }

  @Override
  public PCollection<TrafficVolume> expand(PCollection<WikiEvent> events) {
    return events
        .apply(
            "WindowByEventTime",
            Window.<WikiEvent>into(FixedWindows.of(windowLength))
                .triggering(
                    AfterWatermark.pastEndOfWindow()
                        .withEarlyFirings(
                            AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFiring))
                        .withLateFirings(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(allowedLateness)
                .accumulatingFiredPanes())
        .apply(
            "CountAndBytes",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.integers(),
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs())))
                .via((WikiEvent e) -> KV.of(WHOLE_STREAM, KV.of(1L, e.bytesChanged))))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), VarLongCoder.of())))
        // One key for the whole stream, as Combine.globally has: lifted, each bundle sends it one
        // partial per window instead of every event.
        .apply("SumWindow", CombinePerKeyLifted.of(new SumPairsFn()))
        .apply("DropKey", Values.create())
        .apply("ToTrafficVolume", ParDo.of(new ToTrafficVolumeFn()));
  }

  /**
   * Sums (count, bytes) pairs. The sum of nothing is (0, 0), not BinaryCombineFn's default null:
   * the FlinkRunner fires an empty pane when a window's state is already gone (seen when the
   * final watermark passes the end of the window and its garbage-collection time at once) and
   * encodes it between operators, where a null fails the job.
   */
  static class SumPairsFn extends Combine.BinaryCombineFn<KV<Long, Long>> {
    @Override
    public KV<Long, Long> apply(KV<Long, Long> a, KV<Long, Long> b) {
      return KV.of(a.getKey() + b.getKey(), a.getValue() + b.getValue());
    }

    @Override
    public KV<Long, Long> identity() {
      return KV.of(0L, 0L);
    }
  }

  /** One {@link TrafficVolume} per pane; an empty pane has nothing to report and is dropped. */
  static class ToTrafficVolumeFn extends DoFn<KV<Long, Long>, TrafficVolume> {
    @ProcessElement
    public void processElement(
        @Element KV<Long, Long> sums, IntervalWindow window, OutputReceiver<TrafficVolume> out) {
      if (sums.getKey() == 0) {
        return;
      }
      out.output(new TrafficVolume(window.start(), window.end(), sums.getKey(), sums.getValue()));
    }
  }
}
