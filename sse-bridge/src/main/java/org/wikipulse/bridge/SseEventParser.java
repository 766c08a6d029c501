package org.wikipulse.bridge;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An incremental parser for a {@code text/event-stream} body, following the "event stream
 * interpretation" rules of the HTML Living Standard (§9.2.6): lines end with CRLF, LF or CR (also when
 * the CR and the LF arrive in different chunks); a line starting with {@code :} is a comment; a field's
 * value loses one leading space; {@code data:} lines are joined by {@code \n}; {@code event:} sets the
 * type; {@code id:} sets the last event id, which persists across events (unless it contains NUL);
 * {@code retry:} with only ASCII digits sets the reconnection time; other fields are ignored; a blank
 * line dispatches the event when it has data. A leading UTF-8 byte order mark is dropped. An event that
 * the stream ends in the middle of (no blank line yet) is discarded by {@link #endOfStream()}: the
 * server sends it again after a reconnect with {@code Last-Event-ID}.
 *
 * <p>Reads: the bytes it is fed. Writes: each dispatched {@link SseEvent} to the consumer given to the
 * constructor. Not thread-safe: feed it from one thread.
 */
public final class SseEventParser {

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Consumer<SseEvent> sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType = "";
  private String lastEventId = "";
  private long retryMillis = -1;
  private boolean afterCr;
  private boolean atStreamStart = true;
  private long ignoredLines;

  public SseEventParser(Consumer<SseEvent> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** Feeds the remaining bytes of {@code buffer} (consuming them); dispatches every event they complete. */
  public void feed(ByteBuffer buffer) {
    while (buffer.hasRemaining()) {
      acceptByte(buffer.get());
    }
  }

  /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
  public void feed(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      acceptByte(bytes[i]);
    }
  }

  /** Convenience for tests and tools: feeds the UTF-8 encoding of {@code text}. */
  public void feed(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    feed(bytes, 0, bytes.length);
  }

  /**
   * The stream ended: discards any half-received line and event (the specification's rule), and makes
   * the parser ready for a new stream. The last event id and reconnection time are kept.
   */
  public void endOfStream() {
    line.reset();
    resetEvent();
    afterCr = false;
    atStreamStart = true;
  }

  /** The last event id seen (persisting across events and streams); empty when none. */
  public String lastEventId() {
    return lastEventId;
  }

  /** The reconnection time the server asked for with {@code retry:}, or -1 when it never did. */
  public long retryMillis() {
    return retryMillis;
  }

  /** Lines that were neither a known field, a comment nor blank, or a field with an unusable value. */
  public long ignoredLines() {
    return ignoredLines;
  }

  private void acceptByte(byte b) {
    if (b == LF) {
      if (afterCr) {
        afterCr = false; // the LF of a CRLF pair: the line already ended at the CR
        return;
      }
      endLine();
    } else if (b == CR) {
      afterCr = true;
      endLine();
    } else {
      afterCr = false;
      line.write(b);
    }
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (atStreamStart) {
      atStreamStart = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    processLine(text);
  }

  private void processLine(String text) {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.charAt(0) == ':') {
      return; // comment (e.g. a heartbeat)
    }
    int colon = text.indexOf(':');
    String field;
    String value;
    if (colon < 0) {
      field = text;
      value = "";
    } else {
      field = text.substring(0, colon);
      int start = colon + 1;
      if (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      value = text.substring(start);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        } else {
          ignoredLines++;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          retryMillis = Long.parseLong(value);
        } else {
          ignoredLines++;
        }
      }
      default -> ignoredLines++;
    }
  }

  private void dispatch() {
    if (!hasData) {
      resetEvent();
      return;
    }
    SseEvent event =
        new SseEvent(lastEventId, eventType.isEmpty() ? SseEvent.MESSAGE : eventType, data.toString());
    resetEvent();
    sink.accept(event);
  }

  private void resetEvent() {
    data.setLength(0);
    hasData = false;
    eventType = "";
  }
}
