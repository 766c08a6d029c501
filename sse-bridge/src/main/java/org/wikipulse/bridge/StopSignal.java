package org.wikipulse.bridge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request to stop, from SIGTERM or Ctrl-C (SIGINT) or from the bridge itself. The signals are caught
 * (rather than left to the JVM's shutdown) so the bridge can stop reading, flush, save its position and
 * exit 0 from its main thread. A second signal while stopping halts at once.
 *
 * <p>Reads: process signals. Writes: nothing; runs the registered stop actions once.
 */
public final class StopSignal {

  private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Runnable> actions = new CopyOnWriteArrayList<>();

  /** A stop signal wired to SIGTERM and SIGINT (falls back to a shutdown hook where it cannot be). */
  public static StopSignal installForProcess() {
    StopSignal signal = new StopSignal();
    for (String name : List.of("TERM", "INT")) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            s -> {
              if (signal.isStopping()) {
                LOG.warn("Second SIG{}: halting without waiting", name);
                Runtime.getRuntime().halt(130);
              }
              LOG.info("SIG{} received: stopping (flushing to Kafka first)", name);
              signal.stop();
            });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.warn("Cannot handle SIG{} ({}); relying on the JVM shutdown", name, e.toString());
      }
    }
    return signal;
  }

  /** Asks everything to stop; runs the stop actions (e.g. closing the connection) once. */
  public void stop() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("stop action failed: {}", e.toString());
      }
    }
  }

  /** Runs {@code action} when a stop is requested (at once if it already was). */
  public void onStop(Runnable action) {
    actions.add(action);
    if (isStopping()) {
      action.run();
    }
  }

  public boolean isStopping() {
    return stopped.getCount() == 0;
  }

  /** Sleeps for {@code duration} or until a stop; returns true when stopping. */
  public boolean sleep(Duration duration) {
    try {
      return stopped.await(Math.max(duration.toNanos(), 0), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return true;
    }
  }
}
