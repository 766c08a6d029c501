package org.wikipulse.speed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/**
 * Drops repeats of an {@code event_id} seen within {@code memory} (processing time), before
 * anything counts: the live stream repeats ids, and on Beam 2.62 a Flink restore re-reads every
 * Kafka partition once more (apache/beam#31313). Element timestamps are kept.
 *
 * <p>Ids are spread over {@code shards} keys, each holding a map of the ids it saw with when it saw
 * them; an element arriving more than half a {@code memory} after the shard's last sweep sweeps out
 * ids older than {@code memory}, so state stays bounded. No timers: Beam's own {@code Deduplicate}
 * sets a timer per id, and the DirectRunner spends minutes on a few thousand pending timers.
 */
public class DeduplicateEvents extends PTransform<PCollection<WikiEvent>, PCollection<WikiEvent>> {
  public static final int DEFAULT_SHARDS = 16;
  private final Duration memory;
  private final int shards;

  public DeduplicateEvents(Duration memory) {
    this(memory, DEFAULT_SHARDS);
  }

  public DeduplicateEvents(Duration memory, int shards) {
    this.memory = memory;
    this.shards = shards;
  }

  @Override
  public PCollection<WikiEvent> expand(PCollection<WikiEvent> input) {
    int n = shards;
    return input
        .apply(
            "KeyByIdShard",
            WithKeys.<Integer, WikiEvent>of(e -> Math.floorMod(e.eventId.hashCode(), n))
                .withKeyType(TypeDescriptors.integers()))
        .apply("DropRepeatedIds", ParDo.of(new FirstSeenFn(memory)))
        .setCoder(input.getCoder());
  }

  /** Emits an event the first time its id is seen in the shard; forgets ids after {@code memory}. */
  static class FirstSeenFn extends DoFn<KV<Integer, WikiEvent>, WikiEvent> {
    private final Duration memory;
    private final Counter repeats = Metrics.counter("DeduplicateEvents", "repeats_dropped");

    @StateId("seen")
    private final StateSpec<MapState<String, Long>> seenSpec =
        StateSpecs.map(StringUtf8Coder.of(), VarLongCoder.of());

    @StateId("lastSweep")
    private final StateSpec<ValueState<Long>> lastSweepSpec = StateSpecs.value(VarLongCoder.of());

    FirstSeenFn(Duration memory) {
      this.memory = memory;
    }

    @ProcessElement
    public void processElement(
        @Element KV<Integer, WikiEvent> element,
        @StateId("seen") MapState<String, Long> seen,
        @StateId("lastSweep") ValueState<Long> lastSweep,
        OutputReceiver<WikiEvent> out) {
      long now = Instant.now().getMillis();
      Long swept = lastSweep.read();
      if (swept == null) {
        lastSweep.write(now);
      } else if (now - swept > memory.getMillis() / 2) {
        sweep(seen, now - memory.getMillis());
        lastSweep.write(now);
      }
      WikiEvent event = element.getValue();
      if (seen.get(event.eventId).read() != null) {
        repeats.inc();
        return;
      }
      seen.put(event.eventId, now);
      out.output(event);
    }

    private static void sweep(MapState<String, Long> seen, long cutoff) {
      List<String> expired = new ArrayList<>();
      for (Map.Entry<String, Long> entry : seen.entries().read()) {
        if (entry.getValue() <= cutoff) {
          expired.add(entry.getKey());
        }
      }
      expired.forEach(seen::remove);
    }
  }
}
