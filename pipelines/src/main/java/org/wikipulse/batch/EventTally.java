package org.wikipulse.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.wikipulse.model.WikiEvent;

/**
 * What the historical views count over a group of kept events: how many, the bytes they changed
 * (sum of {@code bytes_changed}), how many were made by bots ({@code is_bot}), how many created a
 * page ({@code type = new}) and how many were edits ({@code type = edit}). Every view is a
 * {@link TallyFn} per key, mapped to its row.
 */
public final class EventTally implements Serializable {
  public long events;
  public long bytes;
  public long botEvents;
  public long newPages;
  public long edits;

  public EventTally() {}

  public EventTally(long events, long bytes, long botEvents, long newPages, long edits) {
    this.events = events;
    this.bytes = bytes;
    this.botEvents = botEvents;
    this.newPages = newPages;
    this.edits = edits;
  }

  /** The tally of {@code events}, computed directly (tests' known answers use it too). */
  public static EventTally of(Iterable<WikiEvent> events) {
    EventTally t = new EventTally();
    events.forEach(t::add);
    return t;
  }

  public EventTally add(WikiEvent e) {
    events++;
    bytes += e.bytesChanged;
    botEvents += e.isBot ? 1 : 0;
    newPages += "new".equals(e.type) ? 1 : 0;
    edits += "edit".equals(e.type) ? 1 : 0;
    return this;
  }

  public EventTally merge(EventTally o) {
    events += o.events;
    bytes += o.bytes;
    botEvents += o.botEvents;
    newPages += o.newPages;
    edits += o.edits;
    return this;
  }

  public long humanEvents() {
    return events - botEvents;
  }

  /** Mean bytes changed per event: {@code bytes / events} in double precision, 0 when empty. */
  public double avgBytes() {
    return events == 0 ? 0 : (double) bytes / events;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EventTally t
        && events == t.events
        && bytes == t.bytes
        && botEvents == t.botEvents
        && newPages == t.newPages
        && edits == t.edits;
  }

  @Override
  public int hashCode() {
    return Objects.hash(events, bytes, botEvents, newPages, edits);
  }

  @Override
  public String toString() {
    return "EventTally{events=" + events + " bytes=" + bytes + " bots=" + botEvents + " new="
        + newPages + " edits=" + edits + "}";
  }

  /** The combiner every view uses per key; lifted before the shuffle, so only tallies move. */
  public static class TallyFn extends Combine.CombineFn<WikiEvent, EventTally, EventTally> {
    @Override
    public EventTally createAccumulator() {
      return new EventTally();
    }

    @Override
    public EventTally addInput(EventTally tally, WikiEvent event) {
      return tally.add(event);
    }

    @Override
    public EventTally mergeAccumulators(Iterable<EventTally> tallies) {
      EventTally merged = new EventTally();
      tallies.forEach(merged::merge);
      return merged;
    }

    @Override
    public EventTally extractOutput(EventTally tally) {
      return tally;
    }

    @Override
    public Coder<EventTally> getAccumulatorCoder(
        CoderRegistry registry,
        Coder<WikiEvent> inputCoder) {
      return TallyCoder.of();
    }

    @Override
    public Coder<EventTally> getDefaultOutputCoder(
        CoderRegistry registry,
        Coder<WikiEvent> inputCoder) {
      return TallyCoder.of();
    }
  }

  /** Five variable-length longs. */
  public static class TallyCoder extends AtomicCoder<EventTally> {
    private static final TallyCoder INSTANCE = new TallyCoder();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static TallyCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(EventTally t, OutputStream out) throws IOException {
      for (long v : List.of(t.events, t.bytes, t.botEvents, t.newPages, t.edits)) {
        LONG.encode(v, out);
      }
    }

    @Override
    public EventTally decode(InputStream in) throws IOException {
      return new EventTally(
          LONG.decode(in), LONG.decode(in), LONG.decode(in), LONG.decode(in), LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
