package org.wikipulse.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.wikipulse.model.WikiEvent;

/**
 * The batch layer's de-duplication rule (used by {@link TallyViews}): one event per {@code event_id}.
 * The lake may hold an event twice (a streaming restart
 * re-reads Kafka, apache/beam#31313), and the batch layer is the accurate one. Repeats are the same
 * record; should two ever differ, the one kept is the first in {@link #KEEP_ORDER}, which compares
 * every field the views read, so re-runs compute the same tables whatever order the runner sees.
 */
public final class DeduplicateById {
  private DeduplicateById() {}

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
   * The events grouped by {@link #idHash} of their id: every event of an id in one group. A plain
   * grouping, not a combine: with few repeats combining before the shuffle saves nothing.
   * The shuffle key is a 64-bit hash of the id ({@link #idHash}), not the id itself: Spark sorts
   * and hashes the encoded key at every comparison, and 8 bytes cost less than ~40. A group holds
   * every event of an id (and, should two ids ever share a hash, both ids, told apart by {@link
   * #onePerId}), so the result is exact.
   */
  public static class GroupById
      extends PTransform<PCollection<WikiEvent>, PCollection<KV<Long, Iterable<WikiEvent>>>> {
    @Override
    public PCollection<KV<Long, Iterable<WikiEvent>>> expand(PCollection<WikiEvent> events) {
      return events
          .apply(
              "KeyByIdHash",
              WithKeys.<Long, WikiEvent>of(e -> idHash(e.eventId)).withKeyType(TypeDescriptors.longs()))
          .setCoder(KvCoder.of(BigEndianLongCoder.of(), events.getCoder()))
          .apply("GroupByIdHash", GroupByKey.create());
    }
  }

  /**
   * One event per distinct {@code event_id} of {@code events} (in practice all of one id): the
   * first in {@link #KEEP_ORDER}. The one home of the de-duplication rule.
   */
  public static List<WikiEvent> onePerId(Iterable<WikiEvent> events) {
    WikiEvent first = null;
    Map<String, WikiEvent> others = null;
    for (WikiEvent e : events) {
      if (first == null) {
        first = e;
      } else if (first.eventId.equals(e.eventId)) {
        if (KEEP_ORDER.compare(e, first) < 0) {
          first = e;
        }
      } else {
        if (others == null) {
          others = new HashMap<>();
        }
        others.merge(e.eventId, e, (a, b) -> KEEP_ORDER.compare(b, a) < 0 ? b : a);
      }
    }
    if (first == null) {
      return List.of();
    }
    if (others == null) {
      return List.of(first);
    }
    List<WikiEvent> kept = new ArrayList<>(others.values());
    kept.add(first);
    return kept;
  }

  /**
   * A 64-bit hash of an event id (FNV-1a over its chars, then MurmurHash3's finaliser): the
   * shuffle key of the de-duplication.
   */
  public static long idHash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < eventId.length(); i++) {
      h ^= eventId.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
