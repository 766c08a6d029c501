package org.wikipulse.bridge;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnection delays: exponential growth from a base delay (the server's {@code retry:} value when it
 * sent one, else {@link #DEFAULT_BASE}) up to {@link #MAX}, with jitter (each delay is drawn between
 * half and all of its nominal value, so many clients that lost the same server do not return together).
 * A healthy connection (one that delivered events) resets the growth. HTTP 429 (too many requests) grows
 * twice as fast from a nominal {@link #MIN_THROTTLED} (so 5–10 s after the jitter) and never waits less
 * than the server's {@code Retry-After}.
 *
 * <p>Reads and writes nothing; not thread-safe.
 */
public final class Backoff {

  public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
  public static final Duration MAX = Duration.ofSeconds(60);
  public static final Duration MIN_THROTTLED = Duration.ofSeconds(10);
  /** A {@code Retry-After} above this is taken as this: the bridge should not sleep for hours. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

  private final Random random;
  private Duration base = DEFAULT_BASE;
  private int failures;

  public Backoff(Random random) {
    this.random = random;
  }

  /** Uses the server's reconnection time ({@code retry:} field) as the base delay. */
  public void setBase(Duration newBase) {
    base = newBase.isNegative() ? Duration.ZERO : min(newBase, MAX);
  }

  /** A connection delivered events: the next delay starts from the base again. */
  public void reset() {
    failures = 0;
  }

  /** The delay before the next attempt after a disconnect or an error. */
  public Duration next() {
    Duration nominal = nominal(failures);
    failures++;
    return jitter(nominal);
  }

  /** The delay after HTTP 429, honouring {@code retryAfter} (may be null). */
  public Duration nextThrottled(Duration retryAfter) {
    failures += 2;
    Duration delay = jitter(max(nominal(failures), MIN_THROTTLED));
    if (retryAfter != null) {
      delay = max(delay, min(retryAfter, MAX_RETRY_AFTER));
    }
    return delay;
  }

  private Duration nominal(int n) {
    long baseMs = Math.max(base.toMillis(), 1);
    long ms = baseMs << Math.min(n, 20);
    return min(Duration.ofMillis(ms), MAX);
  }

  private Duration jitter(Duration nominal) {
    long ms = nominal.toMillis();
    long half = ms / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ms - half)));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
