package org.wikipulse.model;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.apache.beam.sdk.schemas.annotations.SchemaFieldName;
import org.joda.time.Instant;

/**
 * A dead letter: a record that a stage could not process, kept as a value with the original payload,
 * its Kafka origin, the stage, the reason and when it failed (modelled on DataflowTemplates'
 * {@code FailsafeElement}). Every fallible stage emits these; one sink writes them all.
 */
@DefaultSchema(JavaFieldSchema.class)
public class FailedRecord implements Serializable {
  /** The payload as text; bytes that are not UTF-8 appear as U+FFFD, NUL as U+2400. */
  @SchemaFieldName("payload")
  public final String payload;

  @SchemaFieldName("source_topic")
  public final @Nullable String sourceTopic;

  @SchemaFieldName("source_partition")
  public final @Nullable Integer sourcePartition;

  @SchemaFieldName("source_offset")
  public final @Nullable Long sourceOffset;

  /** The stage that failed, e.g. {@code parse}. */
  @SchemaFieldName("stage")
  public final String stage;

  @SchemaFieldName("error")
  public final String error;

  @SchemaFieldName("failed_at")
  public final Instant failedAt;

  @SchemaCreate
  public FailedRecord(
      String payload,
      @Nullable String sourceTopic,
      @Nullable Integer sourcePartition,
      @Nullable Long sourceOffset,
      String stage,
      String error,
      Instant failedAt) {
    this.payload = payload;
    this.sourceTopic = sourceTopic;
    this.sourcePartition = sourcePartition;
    this.sourceOffset = sourceOffset;
    this.stage = stage;
    this.error = error;
    this.failedAt = failedAt;
  }

  /** Longer error messages are cut here: a reason is a sentence, not a copy of the payload. */
  public static final int MAX_ERROR_CHARS = 1000;

  /**
   * A dead letter for {@code raw}, which failed in {@code stage} for {@code error}. The one place
   * that makes a dead letter storable: PostgreSQL text takes neither NUL (SQLSTATE 22021, which
   * would stop the sink) nor invalid UTF-8, and an error message can quote the bad input (Jackson
   * copies an unrecognized token, NUL included).
   */
  public static FailedRecord of(RawRecord raw, String stage, String error, Instant failedAt) {
    String text = raw.payload == null ? "" : storable(new String(raw.payload, StandardCharsets.UTF_8));
    String reason = storable(error == null ? "unknown error" : error);
    if (reason.length() > MAX_ERROR_CHARS) {
      reason = reason.substring(0, MAX_ERROR_CHARS) + "...";
    }
    return new FailedRecord(text, raw.topic, raw.partition, raw.offset, stage, reason, failedAt);
  }

  /** NUL as U+2400; the decoding above has already replaced invalid UTF-8 with U+FFFD. */
  private static String storable(String s) {
    return s.replace('\u0000', '\u2400');
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof FailedRecord)) {
      return false;
    }
    FailedRecord f = (FailedRecord) o;
    return payload.equals(f.payload)
        && Objects.equals(sourceTopic, f.sourceTopic)
        && Objects.equals(sourcePartition, f.sourcePartition)
        && Objects.equals(sourceOffset, f.sourceOffset)
        && stage.equals(f.stage)
        && error.equals(f.error)
        && failedAt.equals(f.failedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(payload, sourceTopic, sourcePartition, sourceOffset, stage, error);
  }

  @Override
  public String toString() {
    return "FailedRecord{" + stage + ": " + error + " @" + sourceTopic + "/" + sourcePartition + "/"
        + sourceOffset + "}";
  }
}
