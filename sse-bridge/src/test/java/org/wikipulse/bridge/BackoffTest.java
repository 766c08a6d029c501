package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reconnection delays: exponential with jitter, capped, reset by a healthy connection, longer on 429. */
class BackoffTest {

  @Test
  void growsExponentiallyWithJitterUpToTheCap() {
    // Nominal delays 1, 2, 4, ... 60 s; each drawn between half and all of the nominal value.
    Backoff backoff = new Backoff(new Random(1));
    long[] nominal = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (long n : nominal) {
      long d = backoff.next().toMillis();
      assertTrue(d >= n / 2 && d <= n, "delay " + d + " for nominal " + n);
    }
  }

  @Test
  void resetStartsFromTheBaseAgain() {
    Backoff backoff = new Backoff(new Random(2));
    for (int i = 0; i < 6; i++) {
      backoff.next();
    }
    backoff.reset();
    long d = backoff.next().toMillis();
    assertTrue(d >= 500 && d <= 1000, "after reset: " + d);
  }

  @Test
  void serverRetryFieldSetsTheBase() {
    // retry: 100 → first delay 50..100 ms, second 100..200 ms.
    Backoff backoff = new Backoff(new Random(3));
    backoff.setBase(Duration.ofMillis(100));
    long first = backoff.next().toMillis();
    long second = backoff.next().toMillis();
    assertTrue(first >= 50 && first <= 100, "first " + first);
    assertTrue(second >= 100 && second <= 200, "second " + second);
  }

  @Test
  void jitterSpreadsDelays() {
    Backoff backoff = new Backoff(new Random(4));
    long a = backoff.next().toMillis();
    backoff.reset();
    long b = backoff.next().toMillis();
    backoff.reset();
    long c = backoff.next().toMillis();
    assertTrue(a != b || b != c, "three draws were all " + a);
  }

  @Test
  void tooManyRequestsWaitsLongerAndHonoursRetryAfter() {
    Backoff backoff = new Backoff(new Random(5));
    backoff.setBase(Duration.ofMillis(100));
    assertTrue(backoff.nextThrottled(null).compareTo(Duration.ofSeconds(5)) >= 0, "at least 10 s nominal");
    assertEquals(Duration.ofSeconds(120), backoff.nextThrottled(Duration.ofSeconds(120)));
    assertEquals(Backoff.MAX_RETRY_AFTER, backoff.nextThrottled(Duration.ofHours(5)));
  }

  @Test
  void parsesRetryAfterSecondsAndDates() {
    assertEquals(Duration.ofSeconds(30), SseSource.retryAfter("30"));
    assertEquals(null, SseSource.retryAfter("soon"));
    assertEquals(null, SseSource.retryAfter(null));
    assertEquals(Duration.ZERO, SseSource.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
  }
}
