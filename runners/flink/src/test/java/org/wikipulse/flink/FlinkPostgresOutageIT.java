package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.sql.Migrate;
import org.wikipulse.testing.TestServices;

/**
 * PostgreSQL is stopped for 20 s mid-stream and started again: the speed layer on Flink [local]
 * (unbounded, checkpoints every second) keeps running, its JDBC writers wait and reconnect instead
 * of failing, no checkpoint (so no Kafka offset commit) gets past rows not yet in PostgreSQL, and
 * afterwards the table holds every kept event exactly once and the lake every kept event.
 *
 * <p>The PostgreSQL is this test's own embedded server (module {@code services/embedded-postgres})
 * on a free port with its own data folder, stopped with SIGTERM (a fast shutdown: clients get
 * 57P01 and lose their connections) and started again on the same folder and port. Kafka and S3
 * are the test services of {@code ./wikipulse test}.
 */
class FlinkPostgresOutageIT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkPostgresOutageIT.class);
  private static final int EVENTS = 1200;
  private static final long OUTAGE_MILLIS = 20_000;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void postgresStoppedFor20sMidStreamLosesAndDuplicatesNothing() throws Exception {
    long t0 = System.nanoTime();
    String name = "it-pg-outage-" + ProcessHandle.current().pid();
    Path dir = Files.createTempDirectory(name + "-");
    int port = PrivateServices.freePort();
    PrivateServices.Child postgres =
        PrivateServices.embeddedPostgres(
            port, dir.resolve("postgres"), Path.of("target/embedded-postgres-bin").toAbsolutePath(), dir.resolve("postgres.log"));
    try {
      postgres.start();
      String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/wikipulse";
      Migrate.migrate(jdbcUrl, "postgres", "");
      FaultReplay replay = FaultReplay.create(name, EVENTS);
      String lake = TestServices.lake(name);
      String group = name;
      int third = replay.size() / 3;
      List<String> args =
          List.of(
              "--kafkaBootstrap=" + TestServices.kafka(),
              "--topic=" + replay.topic(),
              "--consumerGroup=" + group,
              "--jdbcUrl=" + jdbcUrl,
              "--dbUser=postgres",
              "--lake=" + lake);
      try (SpeedLayerChild speed = SpeedLayerChild.start(dir, args)) {
        replay.publish(0, third);
        awaitRows(speed, jdbcUrl, 1, 150);

        postgres.stop();
        long down = System.nanoTime();
        LOG.info("PostgreSQL stopped with rows being written; publishing the second third meanwhile");
        replay.publish(third, 2 * third);
        // Long enough for any checkpoint that was already under way when PostgreSQL went down.
        Thread.sleep(8000);
        long committedEarly = replay.committedOffsets(group);
        Thread.sleep(Math.max(0, OUTAGE_MILLIS - (System.nanoTime() - down) / 1_000_000));
        long committedLate = replay.committedOffsets(group);
        assertTrue(speed.isAlive(), () -> "the speed layer died while PostgreSQL was down:\n" + speed.tail());

        postgres.start();
        long up = System.nanoTime();
        long outageMillis = (up - down) / 1_000_000;
        replay.publish(2 * third, replay.size());
        awaitRows(speed, jdbcUrl, replay.keptIds().size(), 120);
        long recoveryMillis = (System.nanoTime() - up) / 1_000_000;

        // Once a write was stuck no checkpoint completed, so the group's offsets stood still: nothing
        // read after that was acknowledged. (Records may be acknowledged before they reach
        // PostgreSQL while they sit in checkpointed state, e.g. a partial batch: so no bound here.)
        assertEquals(committedEarly, committedLate, "offsets committed while PostgreSQL was down");

        FaultReplay.lakeOptions(lake, TestServices.SETTINGS.s3Endpoint());
        FaultReplay.awaitLakeFilesSettle(lake, 15, 120);
        long restarts = speed.jobRestarts();
        assertTrue(speed.isAlive(), speed::tail);
        speed.close();

        replay.assertTableHoldsExactlyTheKeptEvents(jdbcUrl);
        replay.assertLakeReadsCompletelyWithEveryKeptEvent(lake, TestServices.SETTINGS.s3Endpoint());
        assertTrue(speed.log().contains("PostgreSQL answers again"), "the writers waited for PostgreSQL");
        assertEquals(0, restarts, "Flink job restarts: the writers should wait, not fail");
        String report =
            String.format(
                "PostgreSQL outage: %d events (%d kept), down %.1f s; every kept row in PostgreSQL %.1f s after it was"
                    + " back; 0 lost, 0 duplicated; Flink job restarts %d; offsets committed during the outage %d of"
                    + " %d published; test took %.0f s",
                replay.size(), replay.keptIds().size(), outageMillis / 1000.0, recoveryMillis / 1000.0, restarts,
                committedLate, 2 * third + 6, (System.nanoTime() - t0) / 1e9);
        LOG.info(report);
        System.out.println(report);
      }
    } finally {
      postgres.stop();
      PrivateServices.deleteTree(dir.resolve("postgres")); // the logs stay in dir
    }
  }

  /** Waits until {@code realtime_recent_changes} holds at least {@code rows} rows. */
  private static void awaitRows(SpeedLayerChild speed, String jdbcUrl, long rows, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes") < rows) {
      assertTrue(speed.isAlive(), () -> "the speed layer died:\n" + speed.tail());
      assertTrue(System.nanoTime() < deadline, () -> "fewer than " + rows + " rows after " + seconds + " s:\n" + speed.tail());
      Thread.sleep(500);
    }
  }
}
