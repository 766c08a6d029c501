package org.wikipulse.bridge;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events from {@link SyntheticEvents} at a steady {@code --rate} (event {@code n} no earlier
 * than {@code n / rate} s after the first), each stamped with the time it is sent, until stopped or
 * {@code --limit} events. Finishes by flushing, so when {@link #run()} returns every event is
 * acknowledged.
 *
 * <p>Reads: the clock. Writes: payloads to the sink (Kafka in the bridge).
 */
public final class SyntheticSource {

  private static final Logger LOG = LoggerFactory.getLogger(SyntheticSource.class);

  private final SyntheticEvents events;
  private final long seed;
  private final double rate;
  private final long limit;
  private final PayloadSink sink;
  private final StopSignal stop;
  private long sent;

  public SyntheticSource(long seed, double rate, long limit, PayloadSink sink, StopSignal stop) {
    this.events = new SyntheticEvents(seed);
    this.seed = seed;
    this.rate = rate;
    this.limit = limit;
    this.sink = sink;
    this.stop = stop;
  }

  /** Events handed to the sink. */
  public long sent() {
    return sent;
  }

  public void run() {
    LOG.info(
        "Generating synthetic recentchange events (seed {}, {} events/s{})",
        seed,
        rate,
        limit > 0 ? ", at most " + limit + " events" : ", until stopped");
    long start = System.nanoTime();
    while (!stop.isStopping() && (limit == 0 || sent < limit)) {
      long due = start + (long) (sent * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0 && stop.sleep(Duration.ofNanos(wait))) {
        break;
      }
      sink.publish(events.next(Instant.now()));
      sent++;
    }
    sink.flush();
  }
}
