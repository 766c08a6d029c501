package org.wikipulse.speed;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/** The key of one row of {@code realtime_minute_pages}: the minute, the page, and the filter dimensions. */
@DefaultSchema(JavaFieldSchema.class)
public class MinutePageKey implements Serializable {
  public final Instant minute;
  public final String serverName;
  public final @Nullable String title;
  public final @Nullable Integer namespace;
  public final String type;
  public final boolean isBot;

  @SchemaCreate
  public MinutePageKey(
      Instant minute,
      String serverName,
      @Nullable String title,
      @Nullable Integer namespace,
      String type,
      boolean isBot) {
    this.minute = minute;
    this.serverName = serverName;
    this.title = title;
    this.namespace = namespace;
    this.type = type;
    this.isBot = isBot;
  }

  /** The page row {@code e} counts in, for the minute starting at {@code minute}. */
  public static MinutePageKey of(Instant minute, WikiEvent e) {
    return new MinutePageKey(minute, e.serverName, e.title, e.namespace, e.type, e.isBot);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MinutePageKey)) {
      return false;
    }
    MinutePageKey k = (MinutePageKey) o;
    return isBot == k.isBot
        && minute.equals(k.minute)
        && serverName.equals(k.serverName)
        && Objects.equals(title, k.title)
        && Objects.equals(namespace, k.namespace)
        && type.equals(k.type);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minute, serverName, title, namespace, type, isBot);
  }

  @Override
  public String toString() {
    return "MinutePageKey{" + minute + " " + serverName + " " + title + " ns=" + namespace + " " + type
        + (isBot ? " bot" : " human") + "}";
  }
}
