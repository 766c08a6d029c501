package org.wikipulse.batch;

import java.util.Comparator;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.wikipulse.model.WikiEvent;

/**
 * Keeps one event per {@code event_id}: the lake may hold an event twice (a streaming restart
 * re-reads Kafka, apache/beam#31313), and the batch layer is the accurate one. Repeats are the same
 * record; should two ever differ, the one kept is the first in {@link #KEEP_ORDER}, which compares
 * every field the views read, so re-runs compute the same tables whatever order the runner sees.
 */
public class DeduplicateById extends PTransform<PCollection<WikiEvent>, PCollection<WikiEvent>> {

  /** Which of two events with one id is kept: the smaller. */
  static final Comparator<WikiEvent> KEEP_ORDER =
      Comparator.<WikiEvent, Long>comparing(e -> e.eventTime.getMillis())
          .thenComparing(e -> e.serverName, CodePointOrder.INSTANCE)
          .thenComparing(e -> e.type, CodePointOrder.INSTANCE)
          .thenComparing(e -> e.user, Comparator.nullsFirst(CodePointOrder.INSTANCE))
          .thenComparingLong(e -> e.bytesChanged)
          .thenComparing(e -> e.isBot)
          .thenComparing(e -> e.language, CodePointOrder.INSTANCE)
          .thenComparing(e -> e.project, CodePointOrder.INSTANCE);

  /**
   * A plain grouping, not a combine: with few repeats combining before the shuffle saves nothing.
   * (On Beam 2.62's Spark runner a GroupByKey still groups map-side, sorting by the hash of the
   * encoded key and recomputing it at each comparison; a shorter key is the next step, see
   * runners/spark/README.md.)
   */
  @Override
  public PCollection<WikiEvent> expand(PCollection<WikiEvent> events) {
    return events
        .apply(
            "KeyById",
            WithKeys.<String, WikiEvent>of(e -> e.eventId).withKeyType(TypeDescriptors.strings()))
        .apply("GroupById", GroupByKey.create())
        .apply("KeepOnePerId", ParDo.of(new KeepFirstFn()))
        .setCoder(events.getCoder());
  }

  /** The first of the events of one id in {@link #KEEP_ORDER}. */
  static class KeepFirstFn extends DoFn<KV<String, Iterable<WikiEvent>>, WikiEvent> {
    @ProcessElement
    public void processElement(
        @Element KV<String, Iterable<WikiEvent>> repeats, OutputReceiver<WikiEvent> out) {
      WikiEvent first = null;
      for (WikiEvent e : repeats.getValue()) {
        if (first == null || KEEP_ORDER.compare(e, first) < 0) {
          first = e;
        }
      }
      out.output(first);
    }
  }
}
