package org.wikipulse.transforms;

import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * The running sum of each key in each window of the input, written out as it changes: every {@code
 * flushEvery} of processing time the keys of a window whose sum changed are emitted with their sum so
 * far, and once more when the window expires (its end plus the allowed lateness) if they changed
 * since. Each output carries a key's whole sum, so an upsert of the latest is always right (as
 * accumulating panes of {@code Combine.perKey} with early and late firings); elements later than
 * the allowed lateness are dropped by the runner and counted ({@code StatefulParDoDropped}).
 *
 * <p>Why not {@code Combine.perKey} with those triggers: on Beam 2.62's FlinkRunner it keeps trigger
 * state, a watermark hold, pane bookkeeping and timers per key and window, each state access under a
 * Base64-encoded window name: with a key per page or user and minute that was the speed layer's
 * costliest work (bench/RESULTS.md). Here the keys are spread over {@code shards} state keys per
 * window, each holding a map of its keys' sums, the keys changed since the last flush and one
 * processing-time timer; a sum per key and window is first formed within each bundle ({@link
 * CombinePerKeyLifted}).
 *
 * <p>Reads and writes {@code KV<K, V>} in the input's (non-merging) windows; {@code fn} must be
 * associative and commutative; keys need a {@code hashCode} that is the same in every JVM (value
 * classes of strings and numbers) and {@code equals} consistent with their coder.
 */
public class RunningSumsPerKey<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {
  public static final int DEFAULT_SHARDS = 32;

  private final Combine.BinaryCombineFn<V> fn;
  private final Duration flushEvery;
  private final int shards;

  private RunningSumsPerKey(Combine.BinaryCombineFn<V> fn, Duration flushEvery, int shards) {
    this.fn = fn;
    this.flushEvery = flushEvery;
    this.shards = shards;
  }

  /** Running sums by {@code fn}, changes written every {@code flushEvery}, over the default shards. */
  public static <K, V> RunningSumsPerKey<K, V> of(Combine.BinaryCombineFn<V> fn, Duration flushEvery) {
    return new RunningSumsPerKey<>(fn, flushEvery, DEFAULT_SHARDS);
  }

  @Override
  public PCollection<KV<K, V>> expand(PCollection<KV<K, V>> input) {
    KvCoder<K, V> coder = (KvCoder<K, V>) input.getCoder();
    int n = shards;
    return input
        .apply("SumWithinBundle", ParDo.of(new CombinePerKeyLifted.CombineWithinBundleFn<K, V>(fn)))
        .setCoder(coder)
        .apply(
            "KeyByShard",
            WithKeys.<Integer, KV<K, V>>of(kv -> Math.floorMod(kv.getKey().hashCode(), n))
                .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), coder))
        .apply(
            "KeepRunningSums",
            ParDo.of(new KeepRunningSumsFn<>(fn, coder.getKeyCoder(), coder.getValueCoder(), flushEvery)))
        .setCoder(coder);
  }

  /**
   * Per shard and window: the sum of each key, the keys changed since the last flush, and whether
   * the flush timer is set. Emits the changed keys' sums when the timer fires and when the window
   * expires; the runner then clears the window's state.
   */
  static class KeepRunningSumsFn<K, V> extends DoFn<KV<Integer, KV<K, V>>, KV<K, V>> {
    private final Combine.BinaryCombineFn<V> fn;
    private final Duration flushEvery;

    @StateId("sums")
    private final StateSpec<MapState<K, V>> sumsSpec;

    @StateId("changed")
    private final StateSpec<SetState<K>> changedSpec;

    @StateId("flushSet")
    private final StateSpec<ValueState<Boolean>> flushSetSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    KeepRunningSumsFn(Combine.BinaryCombineFn<V> fn, Coder<K> keyCoder, Coder<V> valueCoder, Duration flushEvery) {
      this.fn = fn;
      this.flushEvery = flushEvery;
      this.sumsSpec = StateSpecs.map(keyCoder, valueCoder);
      this.changedSpec = StateSpecs.set(keyCoder);
    }

    @ProcessElement
    public void processElement(
        @Element KV<Integer, KV<K, V>> element,
        @StateId("sums") MapState<K, V> sums,
        @StateId("changed") SetState<K> changed,
        @StateId("flushSet") ValueState<Boolean> flushSet,
        @TimerId("flush") Timer flush) {
      K key = element.getValue().getKey();
      V value = element.getValue().getValue();
      V sum = sums.get(key).read();
      sums.put(key, sum == null ? value : fn.apply(sum, value));
      changed.add(key);
      if (flushSet.read() == null) {
        flush.offset(flushEvery).setRelative();
        flushSet.write(true);
      }
    }

    @OnTimer("flush")
    public void onFlush(
        @StateId("sums") MapState<K, V> sums,
        @StateId("changed") SetState<K> changed,
        @StateId("flushSet") ValueState<Boolean> flushSet,
        OutputReceiver<KV<K, V>> out) {
      emitChanged(sums, changed, out);
      flushSet.clear();
    }

    @OnWindowExpiration
    public void onWindowExpiration(
        @StateId("sums") MapState<K, V> sums,
        @StateId("changed") SetState<K> changed,
        OutputReceiver<KV<K, V>> out) {
      emitChanged(sums, changed, out);
    }

    private static <K, V> void emitChanged(MapState<K, V> sums, SetState<K> changed, OutputReceiver<KV<K, V>> out) {
      for (K key : changed.read()) {
        out.output(KV.of(key, sums.get(key).read()));
      }
      changed.clear();
    }
  }
}
