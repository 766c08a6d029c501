package org.wikipulse.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import javax.annotation.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The parse and enrichment rules: one {@code recentchange} JSON payload in, one {@link WikiEvent}
 * out, or an {@link InvalidEventException} whose message says why the payload is a dead letter.
 *
 * <p>Both the current ({@code /mediawiki/recentchange/1.0.0}) and the 2018 ({@code
 * meta.schema_uri: mediawiki/recentchange/1}) forms are accepted. A field of the wrong JSON type is
 * an error, not a silent null: bad input is always visible downstream.
 */
public final class RecentChangeParser {

  /** Wikipedia's first edit: anything earlier is a broken clock, not history. */
  public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2001-01-15T00:00:00Z");

  /**
   * Events stamped further ahead than this of the wall clock are rejected. No more than the speed
   * layer's default allowed lateness (300 s): the Kafka watermark follows the newest event time, so
   * one event from a clock that runs ahead by more would make every correct event after it too late
   * for the windowed tables (they would silently lose them until the wall clock caught up).
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.standardMinutes(5);

  /**
   * MediaWiki titles are at most 255 bytes (user names fewer). 400 characters (at most 1,600 UTF-8
   * bytes) keeps every rollup key within PostgreSQL's ~2.7 kB B-tree entry limit, so a bogus event
   * becomes a dead letter here instead of a failed insert that stops the stream.
   */
  public static final int MAX_TITLE_CHARS = 400;

  /** MediaWiki edit summaries are at most 1000 characters; log comments can be longer. */
  public static final int MAX_COMMENT_CHARS = 8192;

  /**
   * Identifiers and names (meta.id, type, server_name, wiki, meta.domain, meta.dt, log_type,
   * log_action) are short; a longer one is garbage, and would overflow a B-tree key (event_id is
   * the primary key, server_name is in every rollup key) and stop the stream.
   */
  public static final int MAX_NAME_CHARS = 255;

  /**
   * Page lengths in bytes. MediaWiki caps a page at {@code $wgMaxArticleSize} (2 MiB by default);
   * 1 GiB leaves room for any configuration and keeps sums of bytes over billions of events far
   * from overflowing a long (an overflow would break the rollup tables' CHECKs and stop the stream).
   */
  public static final long MAX_LENGTH_BYTES = 1L << 30;

  public static final int MAX_PAYLOAD_BYTES = 1 << 20;

  // Trailing tokens are an error: "{...} garbage" or "{...}\0" is not one event.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]+");

  private RecentChangeParser() {}

  /** Decodes and parses raw payload bytes (as read from Kafka). */
  public static WikiEvent parse(byte[] payload) throws InvalidEventException {
    return parse(decodeUtf8(payload));
  }

  /** Strict UTF-8: invalid byte sequences are an error, never silently replaced. */
  public static String decodeUtf8(byte[] payload) throws InvalidEventException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException("empty payload");
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidEventException(
          "payload is " + payload.length + " bytes, more than the " + MAX_PAYLOAD_BYTES + " allowed");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("payload is not valid UTF-8");
    }
  }

  /** Parses one JSON payload. */
  public static WikiEvent parse(String json) throws InvalidEventException {
    if (json == null || json.isBlank()) {
      throw new InvalidEventException("empty payload");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("not a JSON object");
    }
    JsonNode meta = root.get("meta");
    if (meta == null || !meta.isObject()) {
      throw new InvalidEventException("missing meta");
    }

    WikiEvent e = new WikiEvent();
    e.eventId = requiredText(meta, "meta.id", "id");
    e.type = requiredText(root, "type", "type");
    e.serverName = requiredText(root, "server_name", "server_name");
    e.metaDt = name(optionalText(meta, "meta.dt", "dt"), "meta.dt");
    e.domain = name(optionalText(meta, "meta.domain", "domain"), "meta.domain");
    e.eventTime = eventTime(root, e.metaDt);

    String[] labels = e.serverName.split("\\.", -1);
    if (labels.length < 2
        || labels[0].isEmpty()
        || labels[1].isEmpty()
        || !HOST_NAME.matcher(e.serverName).matches()) {
      throw new InvalidEventException("server_name '" + e.serverName + "' is not a host name");
    }
    e.language = labels[0];
    e.project = labels[1];

    e.rcId = optionalLong(root, "id", "id");
    Long namespace = optionalLong(root, "namespace", "namespace");
    if (namespace != null
        && (namespace < Integer.MIN_VALUE || namespace > Integer.MAX_VALUE)) {
      throw new InvalidEventException("namespace " + namespace + " is out of range");
    }
    e.namespace = namespace == null ? null : namespace.intValue();
    e.title = limited(optionalText(root, "title", "title"), "title", MAX_TITLE_CHARS);
    e.user = limited(optionalText(root, "user", "user"), "user", MAX_TITLE_CHARS);
    e.wiki = name(optionalText(root, "wiki", "wiki"), "wiki");
    e.comment = limited(optionalText(root, "comment", "comment"), "comment", MAX_COMMENT_CHARS);
    e.logType = name(optionalText(root, "log_type", "log_type"), "log_type");
    e.logAction = name(optionalText(root, "log_action", "log_action"), "log_action");

    e.isBot = optionalBoolean(root, "bot");
    e.isMinor = optionalBoolean(root, "minor");
    e.isNewPage = "new".equals(e.type);

    JsonNode length = optionalObject(root, "length");
    long lengthOld = orZero(optionalLength(length, "length.old", "old"));
    long lengthNew = orZero(optionalLength(length, "length.new", "new"));
    e.lengthDiff = lengthNew - lengthOld;
    e.bytesChanged = Math.abs(e.lengthDiff);

    JsonNode revision = optionalObject(root, "revision");
    e.revisionOld = optionalLong(revision, "revision.old", "old");
    e.revisionNew = optionalLong(revision, "revision.new", "new");
    return e;
  }

  private static Instant eventTime(JsonNode root, @Nullable String metaDt)
      throws InvalidEventException {
    return eventTime(optionalLong(root, "timestamp", "timestamp"), metaDt);
  }

  /**
   * An event's time as {@link #parse} gives it, read without parsing the rest: a streaming scan of
   * the top-level {@code timestamp} and {@code meta.dt} (every other value skipped, the last of a
   * repeated field wins, as in the full parse). For the Kafka source's timestamp policy, which needs
   * the time of every record before {@code ParseRecentChange} parses it. A payload the full parse
   * would reject may still get a time here; it becomes a dead letter there.
   *
   * @throws InvalidEventException when the payload is not JSON or has no valid time
   */
  public static Instant eventTimeOf(byte[] payload) throws InvalidEventException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException("empty payload");
    }
    Long seconds = null;
    String metaDt = null;
    try (JsonParser p = MAPPER.getFactory().createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidEventException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("timestamp".equals(field)) {
          seconds = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
          if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NULL) {
            throw new InvalidEventException("timestamp is not an integer");
          }
        } else if ("meta".equals(field) && value == JsonToken.START_OBJECT) {
          metaDt = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String metaField = p.currentName();
            JsonToken metaValue = p.nextToken();
            if ("dt".equals(metaField)) {
              metaDt = metaValue == JsonToken.VALUE_STRING ? p.getText() : null;
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new InvalidEventException("not valid JSON: " + e.getMessage());
    }
    return eventTime(seconds, metaDt);
  }

  /** The rule: {@code timestamp} (seconds) when present, else {@code meta.dt}, within sane bounds. */
  private static Instant eventTime(@Nullable Long seconds, @Nullable String metaDt)
      throws InvalidEventException {
    Instant time;
    if (seconds != null) {
      // Not Math.abs: it is negative for Long.MIN_VALUE, whose milliseconds would wrap to 1970.
      if (seconds > Long.MAX_VALUE / 1000 || seconds < Long.MIN_VALUE / 1000) {
        throw new InvalidEventException("timestamp " + seconds + " is out of range");
      }
      time = new Instant(seconds * 1000);
    } else if (metaDt != null) {
      try {
        time = new Instant(OffsetDateTime.parse(metaDt).toInstant().toEpochMilli());
      } catch (DateTimeParseException e) {
        throw new InvalidEventException("meta.dt '" + metaDt + "' is not an ISO-8601 time");
      } catch (ArithmeticException e) {
        throw new InvalidEventException("meta.dt '" + metaDt + "' is out of range");
      }
    } else {
      throw new InvalidEventException("missing time: neither timestamp nor meta.dt");
    }
    if (time.isBefore(EARLIEST_EVENT_TIME)) {
      throw new InvalidEventException("event time " + time + " is before 2001-01-15");
    }
    if (time.isAfter(Instant.now().plus(MAX_CLOCK_SKEW))) {
      throw new InvalidEventException(
          "event time " + time + " is more than " + MAX_CLOCK_SKEW.getStandardMinutes()
              + " minutes in the future");
    }
    return time;
  }

  private static String requiredText(JsonNode node, String path, String field)
      throws InvalidEventException {
    String value = optionalText(node, path, field);
    if (value == null || value.isBlank()) {
      throw new InvalidEventException("missing " + path);
    }
    return name(value, path);
  }

  private static @Nullable String name(@Nullable String value, String path)
      throws InvalidEventException {
    return limited(value, path, MAX_NAME_CHARS);
  }

  private static @Nullable String optionalText(@Nullable JsonNode node, String path, String field)
      throws InvalidEventException {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidEventException(path + " is not a string");
    }
    String text = v.textValue();
    if (text.indexOf('\u0000') >= 0) {
      throw new InvalidEventException(path + " contains a NUL character");
    }
    // A JSON escape such as "\ud800" decodes to half a surrogate pair: not Unicode, and every
    // UTF-8 encoder downstream (the JDBC driver, Parquet) would silently turn it into '?'.
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidEventException(path + " contains an unpaired surrogate (not Unicode)");
      }
    }
    return text;
  }

  private static @Nullable String limited(@Nullable String value, String path, int maxChars)
      throws InvalidEventException {
    if (value != null && value.length() > maxChars) {
      throw new InvalidEventException(
          path + " is " + value.length() + " characters, more than the " + maxChars + " allowed");
    }
    return value;
  }

  private static @Nullable Long optionalLong(@Nullable JsonNode node, String path, String field)
      throws InvalidEventException {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidEventException(path + " is not an integer");
    }
    return v.longValue();
  }

  private static @Nullable Long optionalLength(@Nullable JsonNode node, String path, String field)
      throws InvalidEventException {
    Long value = optionalLong(node, path, field);
    if (value != null && value < 0) {
      throw new InvalidEventException(path + " is negative (" + value + ")");
    }
    if (value != null && value > MAX_LENGTH_BYTES) {
      throw new InvalidEventException(
          path + " is " + value + ", more than the " + MAX_LENGTH_BYTES + " bytes allowed");
    }
    return value;
  }

  private static boolean optionalBoolean(JsonNode node, String field) throws InvalidEventException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new InvalidEventException(field + " is not a boolean");
    }
    return v.booleanValue();
  }

  private static @Nullable JsonNode optionalObject(JsonNode node, String field)
      throws InvalidEventException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new InvalidEventException(field + " is not an object");
    }
    return v;
  }

  private static long orZero(@Nullable Long value) {
    return value == null ? 0 : value;
  }
}
