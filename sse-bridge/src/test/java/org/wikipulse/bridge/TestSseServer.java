package org.wikipulse.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An EventStreams look-alike on 127.0.0.1 (JDK HttpServer, port 0). It serves a fixed list of frames
 * (raw SSE bytes, each with a sequence number 1..n), resumes after the {@code Last-Event-ID} it gets,
 * and — like the real service, only far more often — drops the connection every {@code dropEvery}
 * frames, in the middle of the next frame. After the last frame it sends heartbeat comments until the
 * client leaves. Chosen connections can be answered with an error status and a {@code Retry-After}
 * instead ({@link #failNext}, {@link #failConnection}). It records every connection (headers, query,
 * frames sent, when it arrived, sent its first frame and ended) for the assertions.
 *
 * <p>Reads: HTTP requests. Writes: SSE responses.
 */
final class TestSseServer implements AutoCloseable {

  static final String PATH = "/v2/stream/recentchange";

  /** One frame: its sequence number and the bytes to write. */
  record Frame(int seq, byte[] bytes) {}

  /** What the server saw and did on one connection. */
  static final class Connection {
    final int number;
    final String lastEventId;
    final String query;
    final String userAgent;
    final String accept;
    /** {@code System.nanoTime()} when the request arrived, when its first frame was written, when it ended. */
    final long arrivedNanos = System.nanoTime();
    volatile long firstFrameNanos;
    volatile long endedNanos;
    volatile int lastFullySent;
    volatile int status = 200;
    volatile boolean droppedByServer;

    Connection(int number, String lastEventId, String query, String userAgent, String accept) {
      this.number = number;
      this.lastEventId = lastEventId;
      this.query = query;
      this.userAgent = userAgent;
      this.accept = accept;
    }

    @Override
    public String toString() {
      return "#" + number + "(HTTP " + status + ", Last-Event-ID=" + lastEventId + ", query=" + query + ", lastSent="
          + lastFullySent + (droppedByServer ? ", dropped" : "") + ")";
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Frame> frames;
  private final byte[] preamble;
  private final int dropEvery;
  private final long pauseMillis;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger framesSent = new AtomicInteger();
  private final java.util.Queue<Integer> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Connection number -> {status, Retry-After seconds}, from {@link #failConnection}. */
  private final java.util.Map<Integer, int[]> failuresAt = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closing;

  /**
   * @param preamble written at the start of every connection (e.g. {@code retry: 100})
   * @param dropEvery frames per connection before a mid-frame drop; 0 never drops
   * @param pauseMillis pause after each frame
   */
  TestSseServer(List<Frame> frames, String preamble, int dropEvery, long pauseMillis) throws IOException {
    this.frames = List.copyOf(frames);
    this.preamble = preamble.getBytes(StandardCharsets.UTF_8);
    this.dropEvery = dropEvery;
    this.pauseMillis = pauseMillis;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext(PATH, this::handle);
    server.start();
  }

  /** Standard frames for {@code payloads}: {@code id: n}, {@code event: message}, {@code data: payload}. */
  static List<Frame> messageFrames(List<String> payloads) {
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      int seq = i + 1;
      out.add(
          new Frame(
              seq,
              ("id: " + seq + "\nevent: message\ndata: " + payloads.get(i) + "\n\n")
                  .getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The next {@code times} connections are answered with {@code status} (and {@code Retry-After: 1}). */
  TestSseServer failNext(int status, int times) {
    for (int i = 0; i < times; i++) {
      failures.add(status);
    }
    return this;
  }

  /**
   * Connection number {@code number} (1-based, counting every request) is answered with {@code status}
   * and {@code Retry-After: retryAfterSeconds} instead of the stream.
   */
  TestSseServer failConnection(int number, int status, int retryAfterSeconds) {
    failuresAt.put(number, new int[] {status, retryAfterSeconds});
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  List<Connection> connections() {
    return List.copyOf(connections);
  }

  /** Frames completely written, over all connections. */
  int framesSent() {
    return framesSent.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    Connection connection =
        new Connection(
            connections.size() + 1,
            lastEventId,
            exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders().getFirst("User-Agent"),
            exchange.getRequestHeaders().getFirst("Accept"));
    connections.add(connection);
    int[] scheduled = failuresAt.remove(connection.number);
    Integer failure = scheduled != null ? Integer.valueOf(scheduled[0]) : failures.poll();
    if (failure != null) {
      connection.status = failure;
      byte[] body = ("{\"status\": " + failure + ", \"detail\": \"test failure\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Retry-After", Integer.toString(scheduled != null ? scheduled[1] : 1));
      exchange.sendResponseHeaders(failure, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
      connection.endedNanos = System.nanoTime();
      return;
    }
    int resumeAfter = lastEventId == null ? 0 : Integer.parseInt(lastEventId.trim());
    connection.lastFullySent = resumeAfter;
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      out.write(preamble);
      out.flush();
      int sentHere = 0;
      for (Frame frame : frames) {
        if (frame.seq() <= resumeAfter) {
          continue;
        }
        if (closing) {
          return;
        }
        if (dropEvery > 0 && sentHere == dropEvery) {
          // Cut the connection in the middle of this frame: the client must not publish the half.
          out.write(Arrays.copyOf(frame.bytes(), frame.bytes().length / 2));
          out.flush();
          connection.droppedByServer = true;
          return;
        }
        out.write(frame.bytes());
        out.flush();
        if (connection.firstFrameNanos == 0) {
          connection.firstFrameNanos = System.nanoTime();
        }
        connection.lastFullySent = frame.seq();
        framesSent.incrementAndGet();
        sentHere++;
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
      while (!closing) {
        out.write(":\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(100);
      }
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        exchange.close();
      } catch (RuntimeException e) {
        // already broken
      }
      connection.endedNanos = System.nanoTime();
    }
  }

  @Override
  public void close() {
    closing = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
