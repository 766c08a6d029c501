package org.wikipulse.transforms;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.WikiEvent;

/**
 * Keeps the events the analytics count, by the rules of {@link DropReason}. Reads and writes {@link
 * WikiEvent}s; counts {@code FilterNoise/kept} and one {@code FilterNoise/dropped_<rule>} counter
 * per rule, so that read = kept + dropped + dead-lettered can be checked.
 */
public class FilterNoise extends PTransform<PCollection<WikiEvent>, PCollection<WikiEvent>> {

  public static final String NAMESPACE = "FilterNoise";

  @Override
  public PCollection<WikiEvent> expand(PCollection<WikiEvent> input) {
    return input.apply("ApplyNoiseRules", ParDo.of(new FilterNoiseFn())).setCoder(input.getCoder());
  }

  static class FilterNoiseFn extends DoFn<WikiEvent, WikiEvent> {
    private final NoiseRules rules = new NoiseRules();

    @ProcessElement
    public void processElement(@Element WikiEvent event, OutputReceiver<WikiEvent> out) {
      if (rules.keep(event)) {
        out.output(event);
      }
    }
  }

  /**
   * The noise rules ({@link DropReason}) with their counters: {@code FilterNoise/kept} and one
   * {@code FilterNoise/dropped_<rule>} per rule. For a DoFn that applies the rules among other work
   * (the batch layer's one pass), so that every layer counts them alike.
   */
  public static final class NoiseRules implements java.io.Serializable {
    private final Counter kept = Metrics.counter(NAMESPACE, "kept");
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    public NoiseRules() {
      for (DropReason reason : DropReason.values()) {
        dropped.put(reason, Metrics.counter(NAMESPACE, reason.metricName()));
      }
    }

    /** Whether {@code event} is kept; counts it as kept or dropped by its rule. */
    public boolean keep(WikiEvent event) {
      Optional<DropReason> reason = DropReason.of(event);
      if (reason.isPresent()) {
        dropped.get(reason.get()).inc();
        return false;
      }
      kept.inc();
      return true;
    }
  }
}
