package org.wikipulse.speed;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.joda.time.Instant;

/** Traffic in one event-time window: how many kept events and how many bytes they changed. */
@DefaultSchema(JavaFieldSchema.class)
public class TrafficVolume implements Serializable {
  public final Instant windowStart;
  public final Instant windowEnd;
  public final long eventCount;
  public final long totalBytes;

  @SchemaCreate
  public TrafficVolume(Instant windowStart, Instant windowEnd, long eventCount, long totalBytes) {
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.eventCount = eventCount;
    this.totalBytes = totalBytes;
  }

  /** Mean bytes changed per event (0 for an empty window). */
  public double avgBytes() {
    return eventCount == 0 ? 0 : (double) totalBytes / eventCount;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof TrafficVolume)) {
      return false;
    }
    TrafficVolume t = (TrafficVolume) o;
    return eventCount == t.eventCount
        && totalBytes == t.totalBytes
        && windowStart.equals(t.windowStart)
        && windowEnd.equals(t.windowEnd);
  }

  @Override
  public int hashCode() {
    return Objects.hash(windowStart, windowEnd, eventCount, totalBytes);
  }

  @Override
  public String toString() {
    return "TrafficVolume{" + windowStart + ".." + windowEnd + " events=" + eventCount + " bytes=" + totalBytes + "}";
  }
}
