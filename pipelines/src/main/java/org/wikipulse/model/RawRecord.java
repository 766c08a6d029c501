package org.wikipulse.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;

/**
 * One payload as it arrived, before parsing, with where it came from (Kafka topic, partition and
 * offset; all null for other sources) so that a dead letter can point back at it.
 */
@DefaultSchema(JavaFieldSchema.class)
public class RawRecord implements Serializable {
  public final byte[] payload;
  public final @Nullable String topic;
  public final @Nullable Integer partition;
  public final @Nullable Long offset;

  @SchemaCreate
  public RawRecord(
      byte[] payload, @Nullable String topic, @Nullable Integer partition, @Nullable Long offset) {
    this.payload = payload;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }

  /** A payload with no Kafka origin (a file, a test). */
  public static RawRecord of(byte[] payload) {
    return new RawRecord(payload, null, null, null);
  }

  public static RawRecord of(String payload) {
    return of(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof RawRecord)) {
      return false;
    }
    RawRecord r = (RawRecord) o;
    return Arrays.equals(payload, r.payload)
        && Objects.equals(topic, r.topic)
        && Objects.equals(partition, r.partition)
        && Objects.equals(offset, r.offset);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(payload), topic, partition, offset);
  }
}
