package org.wikipulse.bridge;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background chores of a running bridge: an INFO progress line every {@link #PROGRESS_SECONDS} s
 * (events/s over the interval, total acknowledged, keyless, reconnects, the newest event's {@code
 * meta.dt}) and, for SSE sources, saving the acknowledged position every {@link
 * PositionStore#MIN_INTERVAL_MS} ms when it advanced.
 *
 * <p>Reads: the publisher's counters. Writes: log lines; the position file through {@link
 * PositionStore}.
 */
public final class ProgressReporter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
  public static final int PROGRESS_SECONDS = 5;

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bridge-progress");
            t.setDaemon(true);
            return t;
          });
  private final KafkaEventPublisher publisher;
  private final LongSupplier reconnects;
  private long lastCount;
  private long lastNanos = System.nanoTime();

  /** Starts reporting; {@code positions} may be null (file replay). */
  public ProgressReporter(
      KafkaEventPublisher publisher, LongSupplier reconnects, PositionStore positions) {
    this.publisher = publisher;
    this.reconnects = reconnects;
    scheduler.scheduleAtFixedRate(
        this::report, PROGRESS_SECONDS, PROGRESS_SECONDS, TimeUnit.SECONDS);
    if (positions != null) {
      scheduler.scheduleWithFixedDelay(
          () -> positions.saveThrottled(publisher.ackedPosition()),
          PositionStore.MIN_INTERVAL_MS,
          PositionStore.MIN_INTERVAL_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void report() {
    long now = System.nanoTime();
    long count = publisher.acknowledged();
    double perSecond = (count - lastCount) / ((now - lastNanos) / 1e9);
    lastCount = count;
    lastNanos = now;
    String lastTime = publisher.lastEventTime();
    LOG.info(
        "{} events/s, {} sent to {} ({} keyless), {} reconnects, last event time {}",
        String.format(java.util.Locale.ROOT, "%.1f", perSecond),
        count,
        publisher.topic(),
        publisher.keyless(),
        reconnects.getAsLong(),
        lastTime == null ? "-" : lastTime);
  }

  /** Stops the chores (the caller saves the final position itself). */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
