package org.wikipulse.batch;

import java.io.Serializable;
import java.util.Comparator;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
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

  @Override
  public PCollection<WikiEvent> expand(PCollection<WikiEvent> events) {
    return events
        .apply(
            "KeyById",
            WithKeys.<String, WikiEvent>of(e -> e.eventId).withKeyType(TypeDescriptors.strings()))
        .apply("KeepOnePerId", Combine.perKey(new KeepFirstFn()))
        .apply("DropIds", Values.create())
        .setCoder(events.getCoder());
  }

  /** The first of two events in {@link #KEEP_ORDER}. */
  static class KeepFirstFn extends Combine.BinaryCombineFn<WikiEvent> implements Serializable {
    @Override
    public WikiEvent apply(WikiEvent a, WikiEvent b) {
      return KEEP_ORDER.compare(a, b) <= 0 ? a : b;
    }
  }
}
