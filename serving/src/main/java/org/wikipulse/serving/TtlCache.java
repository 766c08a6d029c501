package org.wikipulse.serving;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Answers a repeated request from memory for a short time, and lets concurrent identical requests
 * share one database query (the first computes, the others wait for its result). Fifty browsers
 * polling the same 24 h view every 2 s then cost one query per period, not fifty. Failures are not
 * cached. A zero time-to-live turns caching off (tests that change data between calls).
 */
final class TtlCache {
  private record Entry(long expiresAtNanos, CompletableFuture<Object> value) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final boolean enabled;

  TtlCache(boolean enabled) {
    this.enabled = enabled;
  }

  @SuppressWarnings("unchecked")
  <T> T get(String key, Duration ttl, Supplier<T> compute) {
    if (!enabled || ttl.isZero()) {
      return compute.get();
    }
    long now = System.nanoTime();
    CompletableFuture<Object> mine = new CompletableFuture<>();
    Entry fresh = new Entry(now + ttl.toNanos(), mine);
    Entry current =
        entries.compute(key, (k, old) -> old != null && old.expiresAtNanos - now > 0 ? old : fresh);
    if (current == fresh) {
      try {
        mine.complete(compute.get());
      } catch (RuntimeException e) {
        entries.remove(key, fresh);
        mine.completeExceptionally(e);
        throw e;
      }
      if (entries.size() > 2_000) {
        entries.entrySet().removeIf(e -> e.getValue().expiresAtNanos - System.nanoTime() <= 0);
      }
    }
    try {
      return (T) current.value.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }
}
