package org.wikipulse.speed;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.wikipulse.model.WikiEvent;

/**
 * What every minute rollup sums: events, bytes changed, and bytes changed split into additions
 * (positive {@code length_diff}) and removals (negative ones, as a positive number). The
 * accumulator and the value of {@link AggregateMinuteRollups}.
 */
@DefaultSchema(JavaFieldSchema.class)
public class RollupTotals implements Serializable {
  public final long eventCount;
  public final long totalBytes;
  public final long bytesAdded;
  public final long bytesRemoved;

  @SchemaCreate
  public RollupTotals(long eventCount, long totalBytes, long bytesAdded, long bytesRemoved) {
    this.eventCount = eventCount;
    this.totalBytes = totalBytes;
    this.bytesAdded = bytesAdded;
    this.bytesRemoved = bytesRemoved;
  }

  /** The totals of one event. */
  public static RollupTotals of(WikiEvent e) {
    return new RollupTotals(1, e.bytesChanged, Math.max(e.lengthDiff, 0), Math.max(-e.lengthDiff, 0));
  }

  public RollupTotals plus(RollupTotals o) {
    return new RollupTotals(
        eventCount + o.eventCount,
        totalBytes + o.totalBytes,
        bytesAdded + o.bytesAdded,
        bytesRemoved + o.bytesRemoved);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof RollupTotals)) {
      return false;
    }
    RollupTotals t = (RollupTotals) o;
    return eventCount == t.eventCount
        && totalBytes == t.totalBytes
        && bytesAdded == t.bytesAdded
        && bytesRemoved == t.bytesRemoved;
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventCount, totalBytes, bytesAdded, bytesRemoved);
  }

  @Override
  public String toString() {
    return "RollupTotals{events=" + eventCount + " bytes=" + totalBytes + " +" + bytesAdded + " -" + bytesRemoved + "}";
  }
}
