package org.wikipulse.bridge;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an EventStreams (Server-Sent Events) URL and publishes every {@code message} event with data,
 * unchanged, through {@link KafkaEventPublisher}. It survives disconnects: after each one it first
 * flushes the producer (so every event read is acknowledged or the bridge stops), saves the acknowledged
 * position, waits a {@link Backoff} delay, and reconnects with {@code Last-Event-ID} set to that position,
 * so the server resumes right after the last event Kafka holds — nothing lost, nothing twice. {@code
 * --since} is sent only while no position is known. Exactly one connection is open at a time: the old
 * one is closed before a new one is opened.
 *
 * <p>Reads: the SSE stream over HTTP. Writes: Kafka records (through the publisher) and the position file.
 */
public final class SseSource {

  private static final Logger LOG = LoggerFactory.getLogger(SseSource.class);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(30);
  /** EventStreams sends many events a second; a minute of silence means a dead connection. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final BridgeOptions options;
  private final KafkaEventPublisher publisher;
  private final PositionStore positions;
  private final StopSignal stop;
  private final HttpClient client;
  private final Backoff backoff = new Backoff(new Random());
  private final SseEventParser parser = new SseEventParser(this::onEvent);
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile SseConnection current;
  private long readThisConnection;
  private boolean limitReached;
  private boolean warnedNoId;

  public SseSource(
      BridgeOptions options, KafkaEventPublisher publisher, PositionStore positions, StopSignal stop) {
    this.options = options;
    this.publisher = publisher;
    this.positions = positions;
    this.stop = stop;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    stop.onStop(this::closeCurrent);
    // A failed send ends the bridge (the next flush throws); don't wait for the next event to see it.
    publisher.onFailure(this::closeCurrent);
  }

  private void closeCurrent() {
    SseConnection c = current;
    if (c != null) {
      c.close();
    }
  }

  /** Connections opened after the first. */
  public long reconnects() {
    return reconnects.get();
  }

  /** Publishable events read (and handed to Kafka). */
  public long read() {
    return read.get();
  }

  /** Events not published: another type than {@code message}, or no data. */
  public long skipped() {
    return skipped.get();
  }

  /**
   * Streams until stopped, until {@code --limit} events were read, or until a fatal error ({@link
   * BridgeException}: a failed Kafka send, an HTTP status that retrying cannot fix).
   */
  public void run() {
    long attempts = 0;
    while (!stop.isStopping() && !limitReached) {
      String resumeId = publisher.ackedPosition().orElse(null);
      URI uri = resumeId == null ? withSince(options.source(), options.since()) : URI.create(options.source());
      if (attempts++ > 0) {
        reconnects.incrementAndGet();
      }
      Duration delay = connectOnce(uri, resumeId);
      // Disconnected: make every event read so far durable before choosing where to resume.
      publisher.flush();
      positions.save(publisher.ackedPosition());
      if (stop.isStopping() || limitReached) {
        break;
      }
      LOG.info(
          "Disconnected after {} events; reconnecting in {} ms (resume after id {})",
          readThisConnection,
          delay.toMillis(),
          publisher.ackedPosition().orElse("-"));
      if (stop.sleep(delay)) {
        break;
      }
    }
  }

  /** One connection: returns the delay before the next attempt. */
  private Duration connectOnce(URI uri, String resumeId) {
    readThisConnection = 0;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .GET()
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .header("User-Agent", options.userAgent());
    if (resumeId != null && !resumeId.isEmpty()) {
      request.header("Last-Event-ID", resumeId);
    }
    LOG.info("Connecting to {} (Last-Event-ID {})", uri, resumeId == null ? "none" : resumeId);
    SseConnection connection;
    try {
      connection = SseConnection.open(client, request.build(), HEADER_TIMEOUT, stop);
    } catch (IOException e) {
      LOG.warn("Cannot connect to {}: {}", uri, e.toString());
      return backoff.next();
    }
    if (connection == null) {
      return Duration.ZERO; // stopping
    }
    current = connection;
    try {
      if (stop.isStopping()) {
        return Duration.ZERO;
      }
      int status = connection.status();
      if (status == 200) {
        return stream(connection, uri);
      }
      String body = connection.bodySnippet(300);
      Duration retryAfter = retryAfter(connection.headers().firstValue("Retry-After").orElse(null));
      if (status == 429) {
        Duration delay = backoff.nextThrottled(retryAfter);
        LOG.warn("HTTP 429 (too many requests) from {}; waiting {} ms. {}", uri, delay.toMillis(), body);
        return delay;
      }
      if (status >= 500 || status == 408) {
        Duration delay = backoff.next();
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
          delay = retryAfter.compareTo(Backoff.MAX_RETRY_AFTER) < 0 ? retryAfter : Backoff.MAX_RETRY_AFTER;
        }
        LOG.warn("HTTP {} from {}; retrying in {} ms. {}", status, uri, delay.toMillis(), body);
        return delay;
      }
      throw new BridgeException(
          "HTTP "
              + status
              + " from "
              + uri
              + (status == 403 ? " (is the User-Agent acceptable? set --user-agent or WIKIPULSE_USER_AGENT)" : "")
              + ": "
              + body);
    } finally {
      connection.close();
      current = null;
    }
  }

  private Duration stream(SseConnection connection, URI uri) {
    LOG.info("Connected to {}", uri);
    Exception error = null;
    try {
      List<ByteBuffer> chunk;
      outer:
      while ((chunk = connection.next(IDLE_TIMEOUT)) != null) {
        for (ByteBuffer buffer : chunk) {
          parser.feed(buffer);
          if (limitReached || stop.isStopping()) {
            break outer;
          }
        }
      }
    } catch (IOException e) {
      error = e;
    } finally {
      parser.endOfStream();
    }
    if (parser.retryMillis() >= 0) {
      backoff.setBase(Duration.ofMillis(parser.retryMillis()));
    }
    if (error != null && !stop.isStopping()) {
      LOG.warn("Stream from {} failed: {}", uri, error.toString());
    }
    if (readThisConnection > 0) {
      backoff.reset();
    }
    return backoff.next();
  }

  private void onEvent(SseEvent event) {
    if (limitReached) {
      return;
    }
    if (!event.isPublishable()) {
      skipped.incrementAndGet();
      LOG.debug("Skipping SSE event of type '{}' (id {}, {} chars)", event.type(), event.id(), event.data().length());
      return;
    }
    if (event.id().isEmpty() && !warnedNoId) {
      warnedNoId = true;
      LOG.warn("The stream's events carry no id: after a disconnect the bridge cannot resume exactly");
    }
    publisher.publish(event.dataBytes(), event.id().isEmpty() ? null : event.id());
    read.incrementAndGet();
    readThisConnection++;
    if (options.limit() > 0 && read.get() >= options.limit()) {
      limitReached = true;
      LOG.info("Read {} events (--limit): stopping", read.get());
    }
  }

  /** {@code source} with Wikimedia's {@code since} query parameter when {@code since} is set. */
  static URI withSince(String source, Instant since) {
    if (since == null) {
      return URI.create(source);
    }
    String param = "since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
    return URI.create(source + (source.contains("?") ? "&" : "?") + param);
  }

  /** A {@code Retry-After} value (seconds or an HTTP date) as a duration; null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(Instant.now(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
