package org.wikipulse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The response cache: one query for concurrent identical requests, stale answers while refreshing. */
class TtlCacheTest {
  private static final Duration TTL = Duration.ofMillis(200);

  @Test
  void concurrentIdenticalRequestsShareOneComputation() throws Exception {
    try (TtlCache cache = new TtlCache(true)) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        Future<String> first = pool.submit(() -> cache.get("k", TTL, () -> {
          calls.incrementAndGet();
          started.countDown();
          await(release);
          return "v";
        }));
        started.await(5, TimeUnit.SECONDS);
        Future<String> second = pool.submit(() -> cache.get("k", TTL, () -> "other-" + calls.incrementAndGet()));
        Thread.sleep(50);
        release.countDown();
        assertEquals("v", first.get(5, TimeUnit.SECONDS));
        assertEquals("v", second.get(5, TimeUnit.SECONDS));
        assertEquals(1, calls.get());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anExpiredAnswerIsServedWhileOneRefreshRunsThenTheNewOne() throws Exception {
    try (TtlCache cache = new TtlCache(true)) {
      AtomicInteger version = new AtomicInteger();
      assertEquals("v1", cache.get("k", TTL, () -> "v" + version.incrementAndGet()));
      assertEquals("v1", cache.get("k", TTL, () -> "v" + version.incrementAndGet())); // fresh
      Thread.sleep(TTL.toMillis() + 50);
      assertEquals("v1", cache.get("k", TTL, () -> "v" + version.incrementAndGet())); // stale, refresh starts
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String now = "v1";
      while (!now.equals("v2") && System.nanoTime() < deadline) {
        Thread.sleep(10);
        now = cache.get("k", TTL, () -> "v" + version.incrementAndGet());
      }
      assertEquals("v2", now);
      // nobody asks for longer than 4 TTLs: the answer is recomputed before answering
      Thread.sleep(TTL.toMillis() * TtlCache.MAX_STALENESS_FACTOR + 100);
      assertEquals("v" + (version.get() + 1), cache.get("k", TTL, () -> "v" + version.incrementAndGet()));
    }
  }

  @Test
  void failuresAreNotCachedAndADisabledCacheComputesEveryTime() {
    try (TtlCache cache = new TtlCache(true)) {
      assertThrows(IllegalStateException.class, () -> cache.get("k", TTL, () -> { throw new IllegalStateException("db down"); }));
      assertEquals("ok", cache.get("k", TTL, () -> "ok"));
    }
    try (TtlCache off = new TtlCache(false)) {
      AtomicInteger calls = new AtomicInteger();
      off.get("k", TTL, calls::incrementAndGet);
      off.get("k", TTL, calls::incrementAndGet);
      assertEquals(2, calls.get());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
