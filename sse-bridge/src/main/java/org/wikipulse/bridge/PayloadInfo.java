package org.wikipulse.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the bridge needs to know about a payload without changing it: the Kafka key (the top-level string
 * {@code server_name}, UTF-8) and the event time ({@code meta.dt}) for progress lines. A payload that is
 * not one complete JSON value, or has no string {@code server_name}, gets a null key; it is still
 * published — the downstream pipeline decides what to do with it.
 *
 * <p>Read with a streaming parser that skips every other value: the whole payload is still checked to
 * be one well-formed JSON value (as a tree parse with {@code FAIL_ON_TRAILING_TOKENS} would), but no
 * tree is built and skipped strings are not decoded. A tree per event was in two thirds of the bridge's
 * Java execution samples in a file replay; reading this way saves 11-18 % of its CPU and half its heap
 * (bench/RESULTS.md). Repeated names count as a tree would: the last one wins.
 *
 * <p>Reads: the payload bytes. Writes: nothing.
 */
public final class PayloadInfo {

  private static final JsonFactory JSON = new JsonFactory();
  private static final PayloadInfo UNREADABLE = new PayloadInfo(null, null);

  private final String serverName;
  private final String eventTime;

  private PayloadInfo(String serverName, String eventTime) {
    this.serverName = serverName;
    this.eventTime = eventTime;
  }

  /** Inspects {@code payload}; never throws. */
  public static PayloadInfo of(byte[] payload) {
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return UNREADABLE;
      }
      String serverName = null;
      String eventTime = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("server_name")) {
          serverName = value == JsonToken.VALUE_STRING ? p.getText() : null;
        } else if (name.equals("meta")) {
          eventTime = value == JsonToken.START_OBJECT ? readDt(p) : null;
        }
        p.skipChildren();
      }
      // The loop ends at the object's end (a malformed payload throws instead); nothing may follow.
      if (p.nextToken() != null) {
        return UNREADABLE;
      }
      return new PayloadInfo(serverName, eventTime);
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
  }

  /** Reads the {@code meta} object the parser is at, to its end: its string {@code dt}, or null. */
  private static String readDt(JsonParser p) throws IOException {
    String dt = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("dt")) {
        dt = value == JsonToken.VALUE_STRING ? p.getText() : null;
      }
      p.skipChildren();
    }
    return dt;
  }

  /** The Kafka key: {@code server_name} as UTF-8, or null when the payload has none readable. */
  public byte[] key() {
    return serverName == null ? null : serverName.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code server_name}, or null. */
  public String serverName() {
    return serverName;
  }

  /** {@code meta.dt} as written in the payload, or null. */
  public String eventTime() {
    return eventTime;
  }
}
