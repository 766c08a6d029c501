package org.wikipulse.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes a recorded event look new for a looping replay ({@code --loop}): a fresh {@code meta.id} (so
 * the pipelines' de-duplication by event id keeps it), and {@code meta.dt} and {@code timestamp} set
 * to the send time (so the real-time views, which look at the last minutes, show it). Every other
 * field is kept as recorded, in its order. A payload that is not a JSON object with a {@code meta}
 * object is passed on unchanged: it was a dead letter in the recording and stays one.
 *
 * <p>Reads: nothing. Writes: nothing (returns the rewritten payload).
 */
public final class ReplayRewriter {

  private final ObjectMapper mapper = new ObjectMapper();
  private final Supplier<UUID> ids;

  /** Rewrites with random (version 4) UUIDs. */
  public ReplayRewriter() {
    this(UUID::randomUUID);
  }

  ReplayRewriter(Supplier<UUID> ids) {
    this.ids = ids;
  }

  /** The payload with a fresh id and the times of {@code now}; unchanged when it is not an event. */
  public byte[] rewrite(byte[] payload, Instant now) {
    JsonNode root;
    try {
      root = mapper.readTree(payload);
    } catch (IOException e) {
      return payload;
    }
    if (root == null || !root.isObject() || !(root.get("meta") instanceof ObjectNode meta)) {
      return payload;
    }
    ObjectNode event = (ObjectNode) root;
    meta.put("id", ids.get().toString());
    if (meta.has("dt")) {
      meta.put("dt", now.truncatedTo(ChronoUnit.MILLIS).toString());
    }
    if (event.has("timestamp")) {
      event.put("timestamp", now.getEpochSecond());
    }
    if (!meta.has("dt") && !event.has("timestamp")) {
      meta.put("dt", now.truncatedTo(ChronoUnit.MILLIS).toString());
    }
    try {
      return mapper.writeValueAsBytes(event);
    } catch (IOException e) {
      return payload;
    }
  }
}
