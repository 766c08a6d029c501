package org.wikipulse.speed;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.model.SchemaCoders;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.CombinePerKeyLifted;

/**
 * The dashboard's per-minute rollups of the kept events: totals ({@link RollupTotals}) per cube key
 * ({@link MinuteRollupKey}), per page ({@link MinutePageKey}) and per user ({@link MinuteUserKey}),
 * each key carrying its window's start, so a key is exactly the natural key of its table's row.
 *
 * <p>Windowing as {@link AggregateTrafficVolume}: event-time fixed windows, early panes every {@code
 * earlyFiring} of processing time, the on-time pane when the watermark passes the window, one
 * corrected pane per late event within {@code allowedLateness}; panes accumulate, so each carries
 * its key's full total so far and an upsert of the latest pane is always right. Events later than
 * that are dropped by the runner (its {@code droppedDueToLateness} counter).
 *
 * <p>Pages are the exception: they fire on every change instead of every {@code earlyFiring}, and
 * not again when the minute closes unless it changed. Changes come in per bundle (the sums are
 * lifted, {@link CombinePerKeyLifted}), so a page is written at most once per bundle, and a page
 * rarely has more than one edit in a minute (0.8 keys per event in the real sample): this writes
 * about as many rows as the timer did, sooner, without a processing-time timer per page and minute,
 * which on the FlinkRunner was the job's costliest state (the page rollup finished last at full
 * speed: bench/RESULTS.md). Users have ~10 edits per minute each and keep the timer: firing on
 * every change wrote more rows and was no faster (measured, bench/RESULTS.md).
 *
 * <p>Outputs, by tag: {@link #ROLLUPS}, {@link #PAGES}, {@link #USERS}; {@link WriteMinuteRollups}
 * writes all three.
 */
public class AggregateMinuteRollups extends PTransform<PCollection<WikiEvent>, PCollectionTuple> {
  /** The window the tables are named after; other lengths are for tests only. */
  public static final Duration MINUTE = Duration.standardMinutes(1);

  public static final TupleTag<KV<MinuteRollupKey, RollupTotals>> ROLLUPS = new TupleTag<>("rollups") {};
  public static final TupleTag<KV<MinutePageKey, RollupTotals>> PAGES = new TupleTag<>("pages") {};
  public static final TupleTag<KV<MinuteUserKey, RollupTotals>> USERS = new TupleTag<>("users") {};

  private final Duration windowLength;
  private final Duration allowedLateness;
  private final Duration earlyFiring;

  public AggregateMinuteRollups(Duration windowLength, Duration allowedLateness, Duration earlyFiring) {
    this.windowLength = windowLength;
    this.allowedLateness = allowedLateness;
    this.earlyFiring = earlyFiring;
  }

  @Override
  public PCollectionTuple expand(PCollection<WikiEvent> events) {
    PCollection<WikiEvent> windowed =
        inMinutes(
            events,
            "WindowByEventTime",
            AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFiring),
            Window.OnTimeBehavior.FIRE_ALWAYS);
    PCollection<WikiEvent> everyChange =
        inMinutes(
            events,
            "WindowByEventTimeFiringOnEveryChange",
            AfterPane.elementCountAtLeast(1),
            Window.OnTimeBehavior.FIRE_IF_NON_EMPTY);
    return PCollectionTuple.of(
            ROLLUPS, sumPerKey(windowed, "Rollups", MinuteRollupKey::of, MinuteRollupKey.class))
        .and(PAGES, sumPerKey(everyChange, "Pages", MinutePageKey::of, MinutePageKey.class))
        .and(USERS, sumPerKey(windowed, "Users", MinuteUserKey::of, MinuteUserKey.class));
  }

  /**
   * Event-time windows of {@code windowLength}: {@code early} panes, the on-time pane as {@code
   * onTime} says, one late pane per late element within {@code allowedLateness}, accumulating.
   */
  private PCollection<WikiEvent> inMinutes(
      PCollection<WikiEvent> events, String name, Trigger.OnceTrigger early, Window.OnTimeBehavior onTime) {
    return events.apply(
        name,
        Window.<WikiEvent>into(FixedWindows.of(windowLength))
            .triggering(
                AfterWatermark.pastEndOfWindow()
                    .withEarlyFirings(early)
                    .withLateFirings(AfterPane.elementCountAtLeast(1)))
            .withAllowedLateness(allowedLateness, Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
            .withOnTimeBehavior(onTime)
            .accumulatingFiredPanes());
  }

  /** {@code Key<name>} then {@code Sum<name>}: the totals per key of {@code keyFn}, per window. */
  private static <K> PCollection<KV<K, RollupTotals>> sumPerKey(
      PCollection<WikiEvent> windowed, String name, KeyFn<K> keyFn, Class<K> keyClass) {
    return windowed
        .apply("Key" + name, ParDo.of(new KeyByWindowFn<>(keyFn)))
        .setCoder(
            KvCoder.of(
                schemaCoder(windowed, keyClass), schemaCoder(windowed, RollupTotals.class)))
        .apply("Sum" + name, CombinePerKeyLifted.of(new SumTotalsFn()))
        // The FlinkRunner can fire a pane whose accumulator is empty; it carries nothing to write
        // (and a zero row would break the tables' CHECK constraints even when the upsert skips it).
        .apply("DropEmpty" + name, Filter.by((KV<K, RollupTotals> kv) -> kv.getValue().eventCount > 0));
  }

  private static <T> Coder<T> schemaCoder(PCollection<?> in, Class<T> type) {
    return SchemaCoders.of(in.getPipeline(), type);
  }

  /** How an event is keyed in one rollup, given the start of its window. */
  @FunctionalInterface
  interface KeyFn<K> extends Serializable {
    K apply(Instant windowStart, WikiEvent event);
  }

  /** Pairs each event's key (with its window's start) with the event's own totals. */
  static class KeyByWindowFn<K> extends DoFn<WikiEvent, KV<K, RollupTotals>> {
    private final KeyFn<K> keyFn;

    KeyByWindowFn(KeyFn<K> keyFn) {
      this.keyFn = keyFn;
    }

    @ProcessElement
    public void processElement(
        @Element WikiEvent e, IntervalWindow window, OutputReceiver<KV<K, RollupTotals>> out) {
      out.output(KV.of(keyFn.apply(window.start(), e), RollupTotals.of(e)));
    }
  }

  static class SumTotalsFn extends Combine.BinaryCombineFn<RollupTotals> {
    @Override
    public RollupTotals apply(RollupTotals a, RollupTotals b) {
      return a.plus(b);
    }

    /**
     * The sum of nothing. Without it an empty accumulator extracts as null, which the FlinkRunner
     * then fails to encode ("getters require withGetterTarget") when it copies the pane.
     */
    @Override
    public RollupTotals identity() {
      return new RollupTotals(0, 0, 0, 0);
    }
  }
}
