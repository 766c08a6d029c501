package org.wikipulse.speed;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/**
 * The key of one row of {@code realtime_minute_rollups}: the minute and every dimension the
 * dashboard filters or breaks down by. {@code language} and {@code project} follow from {@code
 * serverName} (they add no rows) and are carried so the row can be written as is.
 */
@DefaultSchema(JavaFieldSchema.class)
public class MinuteRollupKey implements Serializable {
  public final Instant minute;
  public final String serverName;
  public final String language;
  public final String project;
  public final @Nullable Integer namespace;
  public final String type;
  public final boolean isBot;
  /** {@link org.wikipulse.model.EditSeverity} name: MAJOR, MODERATE or MINOR. */
  public final String severity;

  @SchemaCreate
  public MinuteRollupKey(
      Instant minute,
      String serverName,
      String language,
      String project,
      @Nullable Integer namespace,
      String type,
      boolean isBot,
      String severity) {
    this.minute = minute;
    this.serverName = serverName;
    this.language = language;
    this.project = project;
    this.namespace = namespace;
    this.type = type;
    this.isBot = isBot;
    this.severity = severity;
  }

  /** The cube row {@code e} counts in, for the minute starting at {@code minute}. */
  public static MinuteRollupKey of(Instant minute, WikiEvent e) {
    return new MinuteRollupKey(
        minute, e.serverName, e.language, e.project, e.namespace, e.type, e.isBot, e.severity().name());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MinuteRollupKey)) {
      return false;
    }
    MinuteRollupKey k = (MinuteRollupKey) o;
    return isBot == k.isBot
        && minute.equals(k.minute)
        && serverName.equals(k.serverName)
        && language.equals(k.language)
        && project.equals(k.project)
        && Objects.equals(namespace, k.namespace)
        && type.equals(k.type)
        && severity.equals(k.severity);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minute, serverName, namespace, type, isBot, severity);
  }

  @Override
  public String toString() {
    return "MinuteRollupKey{" + minute + " " + serverName + " ns=" + namespace + " " + type
        + (isBot ? " bot " : " human ") + severity + "}";
  }
}
