package org.wikipulse.transforms;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * {@code Combine.perKey(fn)} with a partial combine inside each bundle in front of the shuffle
 * ("combiner lifting"). Beam 2.62's Flink runner translates a streaming {@code Combine.perKey} into
 * a shuffle of every single element followed by windowed state and timers per key; with many
 * elements per key and window (the dashboard's per-minute totals: ~30 events per cube key and ~10
 * per user in a bundle of 1,000 real events) most of that work only adds one number to another.
 * {@code CombineWithinBundle} sends at most one partial per key and window per bundle; {@code
 * CombineAcrossBundles} is the plain {@code Combine.perKey(fn)}. The result is the same as {@code
 * Combine.perKey(fn)} alone for any associative and commutative {@code fn}: same windows, same
 * panes (a runner never emits a watermark inside a bundle, so no partial is late that was not late
 * before), at most one bundle's delay.
 *
 * <p>Reads and writes {@code KV<K, V>} in the input's windowing; keys need {@code equals/hashCode}
 * consistent with their coder (as for any Beam key).
 */
public class CombinePerKeyLifted<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {
  private final Combine.BinaryCombineFn<V> fn;

  private CombinePerKeyLifted(Combine.BinaryCombineFn<V> fn) {
    this.fn = fn;
  }

  public static <K, V> CombinePerKeyLifted<K, V> of(Combine.BinaryCombineFn<V> fn) {
    return new CombinePerKeyLifted<>(fn);
  }

  @Override
  public PCollection<KV<K, V>> expand(PCollection<KV<K, V>> input) {
    return input
        .apply("CombineWithinBundle", ParDo.of(new CombineWithinBundleFn<K, V>(fn)))
        .setCoder(input.getCoder())
        .apply("CombineAcrossBundles", Combine.perKey(fn));
  }

  /**
   * Keeps one partial per window and key for the bundle, emitted when the bundle finishes with the
   * earliest timestamp of the elements it holds.
   */
  static class CombineWithinBundleFn<K, V> extends DoFn<KV<K, V>, KV<K, V>> {
    private final Combine.BinaryCombineFn<V> fn;
    private transient Map<BoundedWindow, Map<K, Partial<V>>> partials;

    CombineWithinBundleFn(Combine.BinaryCombineFn<V> fn) {
      this.fn = fn;
    }

    @StartBundle
    public void startBundle() {
      partials = new HashMap<>();
    }

    @ProcessElement
    public void processElement(
        @Element KV<K, V> element, @Timestamp Instant timestamp, BoundedWindow window) {
      partials
          .computeIfAbsent(window, w -> new HashMap<>())
          .merge(
              element.getKey(),
              new Partial<>(element.getValue(), timestamp),
              (a, b) ->
                  new Partial<>(
                      fn.apply(a.value, b.value),
                      a.timestamp.isBefore(b.timestamp) ? a.timestamp : b.timestamp));
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<BoundedWindow, Map<K, Partial<V>>> perWindow : partials.entrySet()) {
        for (Map.Entry<K, Partial<V>> perKey : perWindow.getValue().entrySet()) {
          Partial<V> partial = perKey.getValue();
          context.output(KV.of(perKey.getKey(), partial.value), partial.timestamp, perWindow.getKey());
        }
      }
      partials = new HashMap<>();
    }
  }

  private record Partial<V>(V value, Instant timestamp) {}
}
