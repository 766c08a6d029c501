package org.wikipulse.serving;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Answers a repeated request from memory for a short time, and lets concurrent identical requests
 * share one database query (the first computes, the others wait for its result). Fifty browsers
 * polling the same 24 h view every 2 s then cost one query per period, not fifty.
 *
 * <p>Stale while revalidate: once an answer is older than its time-to-live, the next request still
 * gets it at once while one background refresh computes the new answer; so a view whose query takes
 * a second (a day of page rollups) does not make every request of that second wait. An answer older
 * than {@link #MAX_STALENESS_FACTOR} times its time-to-live (nobody asked for a while) is recomputed
 * before answering. Failures are not cached. A disabled cache computes every time (tests that change
 * the data between calls).
 */
final class TtlCache implements AutoCloseable {
  static final int MAX_STALENESS_FACTOR = 4;

  private static final class Entry {
    final long createdNanos;
    final long ttlNanos;
    final CompletableFuture<Object> value;
    final AtomicBoolean refreshing = new AtomicBoolean();

    Entry(long createdNanos, long ttlNanos, CompletableFuture<Object> value) {
      this.createdNanos = createdNanos;
      this.ttlNanos = ttlNanos;
      this.value = value;
    }

    long age(long now) {
      return now - createdNanos;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final boolean enabled;
  private final ExecutorService refresher =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "cache-refresh");
            t.setDaemon(true);
            return t;
          });

  TtlCache(boolean enabled) {
    this.enabled = enabled;
  }

  @SuppressWarnings("unchecked")
  <T> T get(String key, Duration ttl, Supplier<T> compute) {
    if (!enabled || ttl.isZero()) {
      return compute.get();
    }
    long now = System.nanoTime();
    long ttlNanos = ttl.toNanos();
    Entry current = entries.get(key);
    if (current != null && current.value.isDone() && !current.value.isCompletedExceptionally()) {
      long age = current.age(now);
      if (age > ttlNanos && age <= ttlNanos * MAX_STALENESS_FACTOR) {
        if (current.refreshing.compareAndSet(false, true)) {
          refreshInBackground(key, current, ttlNanos, compute);
        }
        return (T) current.value.join();
      }
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    Entry fresh = new Entry(now, ttlNanos, mine);
    Entry chosen =
        entries.compute(
            key,
            (k, old) ->
                old != null
                        && !old.value.isCompletedExceptionally()
                        && (!old.value.isDone() || old.age(now) <= old.ttlNanos)
                    ? old
                    : fresh);
    if (chosen == fresh) {
      try {
        mine.complete(compute.get());
      } catch (RuntimeException e) {
        entries.remove(key, fresh);
        mine.completeExceptionally(e);
        throw e;
      }
      evictExpired(now);
    }
    try {
      return (T) chosen.value.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private <T> void refreshInBackground(String key, Entry stale, long ttlNanos, Supplier<T> compute) {
    refresher.execute(
        () -> {
          try {
            Object value = compute.get();
            entries.replace(key, stale, new Entry(System.nanoTime(), ttlNanos, CompletableFuture.completedFuture(value)));
          } catch (RuntimeException e) {
            // the stale answer stays until it is too old; the next request past that retries
            stale.refreshing.set(false);
          }
        });
  }

  private void evictExpired(long now) {
    if (entries.size() > 2_000) {
      entries.entrySet().removeIf(e -> e.getValue().value.isDone() && e.getValue().age(now) > e.getValue().ttlNanos * MAX_STALENESS_FACTOR);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
