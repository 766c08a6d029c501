package org.wikipulse.speed;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.model.SchemaCoders;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.RunningSumsPerKey;

/**
 * The dashboard's per-minute rollups of the kept events: totals ({@link RollupTotals}) per cube key
 * ({@link MinuteRollupKey}), per page ({@link MinutePageKey}) and per user ({@link MinuteUserKey}),
 * each key carrying its window's start, so a key is exactly the natural key of its table's row.
 *
 * <p>Event-time fixed windows; each key's running total is written every {@code flush} of
 * processing time while it changes and once more when its minute closes (the window's end plus
 * {@code allowedLateness}) if it changed since ({@link RunningSumsPerKey}): each output carries the
 * key's full total so far, so an upsert of the latest is always right, and an event up to {@code
 * allowedLateness} late corrects its minute. Events later than that are dropped by the runner and
 * counted ({@code StatefulParDoDropped}, in {@link RunSummary#droppedLate}).
 *
 * <p>Before 2026-11-29 these were {@code Combine.perKey} with early, on-time and late panes; on
 * the FlinkRunner their trigger and window state per key and minute was the speed layer's costliest
 * work (bench/RESULTS.md).
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
  private final Duration flush;

  public AggregateMinuteRollups(Duration windowLength, Duration allowedLateness, Duration flush) {
    this.windowLength = windowLength;
    this.allowedLateness = allowedLateness;
    this.flush = flush;
  }

  @Override
  public PCollectionTuple expand(PCollection<WikiEvent> events) {
    // No GroupByKey follows, so the trigger never fires anything: what the stateful step reads is
    // the minute windows and their allowed lateness (when the runner drops and clears).
    PCollection<WikiEvent> windowed =
        events.apply(
            "WindowByEventTime",
            Window.<WikiEvent>into(FixedWindows.of(windowLength))
                .triggering(DefaultTrigger.of())
                .withAllowedLateness(allowedLateness)
                .discardingFiredPanes());
    return PCollectionTuple.of(
            ROLLUPS, sumPerKey(windowed, "Rollups", MinuteRollupKey::of, MinuteRollupKey.class))
        .and(PAGES, sumPerKey(windowed, "Pages", MinutePageKey::of, MinutePageKey.class))
        .and(USERS, sumPerKey(windowed, "Users", MinuteUserKey::of, MinuteUserKey.class));
  }

  /** {@code Key<name>} then {@code Sum<name>}: the running totals per key of {@code keyFn}, per window. */
  private <K> PCollection<KV<K, RollupTotals>> sumPerKey(
      PCollection<WikiEvent> windowed, String name, KeyFn<K> keyFn, Class<K> keyClass) {
    return windowed
        .apply("Key" + name, ParDo.of(new KeyByWindowFn<>(keyFn)))
        .setCoder(
            KvCoder.of(
                schemaCoder(windowed, keyClass), schemaCoder(windowed, RollupTotals.class)))
        .apply("Sum" + name, RunningSumsPerKey.of(new SumTotalsFn(), flush));
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
  }
}
