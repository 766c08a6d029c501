package org.wikipulse.bridge;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the bridge needs to know about a payload without changing it: the Kafka key (the top-level string
 * {@code server_name}, UTF-8) and the event time ({@code meta.dt}) for progress lines. A payload that is
 * not one complete JSON value, or has no string {@code server_name}, gets a null key; it is still
 * published — the downstream pipeline decides what to do with it.
 *
 * <p>Reads: the payload bytes. Writes: nothing.
 */
public final class PayloadInfo {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final PayloadInfo UNREADABLE = new PayloadInfo(null, null);

  private final String serverName;
  private final String eventTime;

  private PayloadInfo(String serverName, String eventTime) {
    this.serverName = serverName;
    this.eventTime = eventTime;
  }

  /** Inspects {@code payload}; never throws. */
  public static PayloadInfo of(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException | RuntimeException e) {
      return UNREADABLE;
    }
    if (root == null || !root.isObject()) {
      return UNREADABLE;
    }
    JsonNode serverName = root.get("server_name");
    JsonNode dt = root.path("meta").path("dt");
    return new PayloadInfo(
        serverName != null && serverName.isTextual() ? serverName.textValue() : null,
        dt.isTextual() ? dt.textValue() : null);
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
