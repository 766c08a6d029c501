package org.wikipulse.speed;

import java.io.Serializable;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.beam.sdk.schemas.JavaFieldSchema;
import org.apache.beam.sdk.schemas.annotations.DefaultSchema;
import org.apache.beam.sdk.schemas.annotations.SchemaCreate;
import org.joda.time.Instant;
import org.wikipulse.model.WikiEvent;

/** The key of one row of {@code realtime_minute_users}: the minute, the user, and the filter dimensions. */
@DefaultSchema(JavaFieldSchema.class)
public class MinuteUserKey implements Serializable {
  public final Instant minute;
  public final String serverName;
  public final @Nullable String userName;
  public final @Nullable Integer namespace;
  public final String type;
  public final boolean isBot;

  @SchemaCreate
  public MinuteUserKey(
      Instant minute,
      String serverName,
      @Nullable String userName,
      @Nullable Integer namespace,
      String type,
      boolean isBot) {
    this.minute = minute;
    this.serverName = serverName;
    this.userName = userName;
    this.namespace = namespace;
    this.type = type;
    this.isBot = isBot;
  }

  /** The user row {@code e} counts in, for the minute starting at {@code minute}. */
  public static MinuteUserKey of(Instant minute, WikiEvent e) {
    return new MinuteUserKey(minute, e.serverName, e.user, e.namespace, e.type, e.isBot);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof MinuteUserKey)) {
      return false;
    }
    MinuteUserKey k = (MinuteUserKey) o;
    return isBot == k.isBot
        && minute.equals(k.minute)
        && serverName.equals(k.serverName)
        && Objects.equals(userName, k.userName)
        && Objects.equals(namespace, k.namespace)
        && type.equals(k.type);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minute, serverName, userName, namespace, type, isBot);
  }

  @Override
  public String toString() {
    return "MinuteUserKey{" + minute + " " + serverName + " " + userName + " ns=" + namespace + " " + type
        + (isBot ? " bot" : " human") + "}";
  }
}
