package org.wikipulse.bridge;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP response of an SSE stream, read chunk by chunk. Unlike {@code BodyHandlers.ofInputStream()}
 * it can be closed from another thread (a stop signal) and it notices a silent peer: {@link
 * #next(Duration)} fails when no byte arrived for the idle timeout, so a half-dead TCP connection is
 * replaced instead of waited on forever. Closing cancels the body subscription, which closes the HTTP/1.1
 * connection (or resets the HTTP/2 stream) — the bridge never keeps an old connection open while it
 * opens a new one.
 *
 * <p>Reads: the HTTP response. Writes: the request.
 */
final class SseConnection implements AutoCloseable {

  private static final Object END = new Object();

  private final HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
  private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private Flow.Subscription subscription;
  private boolean closed;
  private boolean ended;

  private SseConnection(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
    this.response = response;
    response
        .body()
        .subscribe(
            new Flow.Subscriber<>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                boolean cancel;
                synchronized (lock) {
                  subscription = s;
                  cancel = closed;
                }
                if (cancel) {
                  s.cancel();
                } else {
                  s.request(1);
                }
              }

              @Override
              public void onNext(List<ByteBuffer> item) {
                chunks.add(item);
              }

              @Override
              public void onError(Throwable t) {
                chunks.add(t);
              }

              @Override
              public void onComplete() {
                chunks.add(END);
              }
            });
  }

  /**
   * Sends {@code request} and waits for the response headers (at most {@code headerTimeout}). Returns
   * null when {@code stop} was signalled meanwhile.
   */
  static SseConnection open(
      HttpClient client, HttpRequest request, Duration headerTimeout, StopSignal stop)
      throws IOException {
    CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> future =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher());
    long deadline = System.nanoTime() + headerTimeout.toNanos();
    while (true) {
      if (stop.isStopping()) {
        future.cancel(true);
        future.thenAccept(r -> new SseConnection(r).close());
        return null;
      }
      try {
        return new SseConnection(future.get(200, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (System.nanoTime() > deadline) {
          future.cancel(true);
          future.thenAccept(r -> new SseConnection(r).close());
          throw new HttpTimeoutException(
              "no response headers from " + request.uri() + " within " + headerTimeout.toSeconds() + " s");
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        future.cancel(true);
        throw new InterruptedIOException("interrupted while connecting to " + request.uri());
      }
    }
  }

  int status() {
    return response.statusCode();
  }

  HttpHeaders headers() {
    return response.headers();
  }

  /**
   * The next chunk of the body; null at the end of the stream or after {@link #close()}. Throws when the
   * connection failed or stayed silent for {@code idleTimeout}.
   */
  List<ByteBuffer> next(Duration idleTimeout) throws IOException {
    if (ended) {
      return null;
    }
    Object item;
    try {
      item = chunks.poll(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the stream");
    }
    if (item == null) {
      throw new HttpTimeoutException("no data for " + idleTimeout.toSeconds() + " s");
    }
    if (item == END) {
      ended = true;
      return null;
    }
    if (item instanceof Throwable t) {
      ended = true;
      throw t instanceof IOException io ? io : new IOException(t.toString(), t);
    }
    Flow.Subscription s;
    synchronized (lock) {
      s = subscription;
    }
    s.request(1);
    @SuppressWarnings("unchecked")
    List<ByteBuffer> chunk = (List<ByteBuffer>) item;
    return chunk;
  }

  /** Up to {@code maxBytes} of the body as text (for error messages), waiting at most 2 s. */
  String bodySnippet(int maxBytes) {
    StringBuilder text = new StringBuilder();
    try {
      List<ByteBuffer> chunk;
      while (text.length() < maxBytes && (chunk = next(Duration.ofSeconds(2))) != null) {
        for (ByteBuffer b : chunk) {
          text.append(StandardCharsets.UTF_8.decode(b));
        }
      }
    } catch (IOException e) {
      // best effort: the status code says enough
    }
    String s = text.toString().strip().replaceAll("\\s+", " ");
    return s.length() > maxBytes ? s.substring(0, maxBytes) + "..." : s;
  }

  /** Cancels the body (closing the connection); wakes a reader blocked in {@link #next}. */
  @Override
  public void close() {
    Flow.Subscription s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
    chunks.add(END);
  }
}
