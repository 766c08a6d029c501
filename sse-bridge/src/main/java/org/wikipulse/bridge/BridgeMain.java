package org.wikipulse.bridge;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.common.Settings;

/**
 * The {@code wikipulse bridge} command: publishes Wikimedia recentchange events from an EventStreams URL
 * (Server-Sent Events) or a recorded NDJSON(.gz) file to the Kafka topic of {@link Settings}, unchanged,
 * keyed by {@code server_name}. No filtering: every non-empty payload is published.
 *
 * <pre>{@code
 * WIKIPULSE_USER_AGENT='MyBridge/1.0 (me@example.org)' ./wikipulse bridge
 * ./wikipulse bridge --source ../shared/data/recentchange/arvindp25-DataPlumbHub.ndjson.gz --rate 20
 * ./wikipulse bridge --source ../shared/data/recentchange/arvindp25-DataPlumbHub.ndjson.gz --loop
 * ./wikipulse bridge --synthetic --rate 35 --seed 42
 * }</pre>
 *
 * <p>Reads: the source, the position file (streams). Writes: Kafka records, the position file
 * (streams), log lines on stderr and a one-line summary on stdout. Exit 0 when done or stopped by
 * SIGTERM/Ctrl-C, 1 on a fatal error, 2 on a bad command line.
 */
public final class BridgeMain {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeMain.class);

  private BridgeMain() {}

  public static void main(String[] args) {
    System.exit(run(args, Settings.fromEnvironment(), System.out, System.err));
  }

  /** Runs the bridge; returns the exit status. */
  static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
    BridgeOptions options;
    try {
      options = BridgeOptions.parse(args, settings);
    } catch (BridgeOptions.UsageException e) {
      err.println("bridge: " + e.getMessage());
      err.println(BridgeOptions.usage());
      return 2;
    }
    if (options.help()) {
      out.println(BridgeOptions.usage());
      return 0;
    }
    StopSignal stop = StopSignal.installForProcess();
    try {
      if (options.synthetic()) {
        return runSynthetic(options, stop, out);
      }
      return options.isStream() ? runStream(options, stop, out) : runFile(options, stop, out);
    } catch (BridgeException e) {
      LOG.error("bridge stopped: {}", e.getMessage());
      return 1;
    }
  }

  private static int runStream(BridgeOptions options, StopSignal stop, PrintStream out) {
    if (options.userAgentIsDefault()) {
      LOG.warn(
          "Using the placeholder User-Agent: Wikimedia asks for contact details"
              + " (set WIKIPULSE_USER_AGENT or --user-agent, see"
              + " https://meta.wikimedia.org/wiki/User-Agent_policy)");
    }
    if (options.rate() > 0) {
      LOG.warn("--rate applies to file replay only; a live stream is read as it comes");
    }
    long start = System.nanoTime();
    try (PositionStore positions = PositionStore.open(options.positionFile(), options.source())) {
      LOG.info(
          "Bridging {} -> Kafka topic {} at {}; position file {} (saved position: {})",
          options.source(),
          options.topic(),
          options.kafkaBootstrap(),
          positions.file(),
          positions.position().orElse("none"));
      KafkaEventPublisher publisher =
          new KafkaEventPublisher(
              options.kafkaBootstrap(),
              options.topic(),
              positions.position().orElse(null),
              options.producerProperties());
      SseSource source = new SseSource(options, publisher, positions, stop);
      ProgressReporter reporter = new ProgressReporter(publisher, source::reconnects, positions);
      int status = 0;
      try {
        source.run();
        publisher.flush();
      } catch (BridgeException e) {
        LOG.error("bridge stopped: {}", e.getMessage());
        status = 1;
      } finally {
        reporter.close();
        // On failure the watermark cannot pass the failed send, so saving after close is safe.
        publisher.close(status == 0 ? Duration.ofSeconds(30) : Duration.ofSeconds(5));
        positions.save(publisher.ackedPosition());
        LOG.info(
            "Stopped; position {} saved in {}",
            publisher.ackedPosition().orElse("(none)"),
            positions.file());
      }
      out.printf(
          Locale.ROOT,
          "bridge %s: read=%d sent=%d keyless=%d skipped=%d reconnects=%d position=%s elapsed=%.2fs%n",
          status == 0 ? "finished" : "FAILED",
          source.read(),
          publisher.acknowledged(),
          publisher.keyless(),
          source.skipped(),
          source.reconnects(),
          publisher.ackedPosition().orElse("-"),
          (System.nanoTime() - start) / 1e9);
      return status;
    }
  }

  private static int runFile(BridgeOptions options, StopSignal stop, PrintStream out) {
    if (options.since() != null) {
      LOG.warn("--since applies to streams only; a file is replayed from its start");
    }
    Path file = Path.of(options.source());
    LOG.info("Bridging {} -> Kafka topic {} at {}", file, options.topic(), options.kafkaBootstrap());
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(
            options.kafkaBootstrap(), options.topic(), null, options.producerProperties());
    FileReplaySource source =
        new FileReplaySource(
            file,
            options.effectiveRate(),
            options.limit(),
            options.loop(),
            PayloadSink.of(publisher),
            stop);
    long start = System.nanoTime();
    int status = runToEnd(source::run, publisher);
    double elapsed = (System.nanoTime() - start) / 1e9;
    out.printf(
        Locale.ROOT,
        "bridge %s: read=%d sent=%d keyless=%d blank=%d passes=%d elapsed=%.2fs%n",
        status == 0 ? "finished" : "FAILED",
        source.read(),
        publisher.acknowledged(),
        publisher.keyless(),
        source.blank(),
        source.passes(),
        elapsed);
    return status;
  }

  private static int runSynthetic(BridgeOptions options, StopSignal stop, PrintStream out) {
    LOG.info(
        "Bridging synthetic events -> Kafka topic {} at {}",
        options.topic(),
        options.kafkaBootstrap());
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(
            options.kafkaBootstrap(), options.topic(), null, options.producerProperties());
    SyntheticSource source =
        new SyntheticSource(
            options.seed(),
            options.effectiveRate(),
            options.limit(),
            PayloadSink.of(publisher),
            stop);
    long start = System.nanoTime();
    int status = runToEnd(source::run, publisher);
    out.printf(
        Locale.ROOT,
        "bridge %s: generated=%d sent=%d seed=%d elapsed=%.2fs%n",
        status == 0 ? "finished" : "FAILED",
        source.sent(),
        publisher.acknowledged(),
        options.seed(),
        (System.nanoTime() - start) / 1e9);
    return status;
  }

  /**
   * Runs a source that ends by itself (a file, the generator) with progress reporting, then flushes
   * and closes the publisher: 0 when the source ended normally, 1 when it stopped on an error.
   */
  private static int runToEnd(Runnable source, KafkaEventPublisher publisher) {
    ProgressReporter reporter = new ProgressReporter(publisher, () -> 0, null);
    int status = 0;
    try {
      source.run();
    } catch (BridgeException e) {
      LOG.error("bridge stopped: {}", e.getMessage());
      status = 1;
    } finally {
      reporter.close();
      publisher.close(status == 0 ? Duration.ofSeconds(30) : Duration.ofSeconds(5));
    }
    return status;
  }
}
