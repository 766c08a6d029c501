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
import org.wikipulse.testing.TestServices;

/**
 * The S3 server vanishes (SIGKILL) for 20 s mid-stream and comes back on the same data and port:
 * the speed layer on Flink [local] (unbounded, checkpoints every second) keeps running, its lake
 * writes retrying until S3 answers (no job restore), the lake then holds every kept event, every Parquet file the batch layer can see
 * reads completely with the batch layer's own reader, and Beam's temporary files are never among
 * them. PostgreSQL is unaffected and must hold every kept event exactly once.
 *
 * <p>The S3 server is this test's own S3Proxy (module {@code services/s3-server}) on a free port
 * with its own data folder. Kafka and PostgreSQL are the test services of {@code ./wikipulse test}.
 */
class FlinkS3OutageIT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkS3OutageIT.class);
  private static final int EVENTS = 1200;
  private static final long OUTAGE_MILLIS = 20_000;
  private static final String BUCKET = "wikipulse-lake";

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void s3KilledFor20sMidStreamLeavesACompleteReadableLake() throws Exception {
    long t0 = System.nanoTime();
    String name = "it-s3-outage-" + ProcessHandle.current().pid();
    Path dir = Files.createTempDirectory(name + "-");
    int port = PrivateServices.freePort();
    String endpoint = "http://127.0.0.1:" + port;
    PrivateServices.Child s3 = PrivateServices.s3Server(port, dir.resolve("s3"), BUCKET, dir.resolve("s3-run"));
    String jdbcUrl = null;
    try {
      s3.start();
      jdbcUrl = TestServices.freshDatabase("wikipulse_" + name.replace('-', '_'));
      FaultReplay replay = FaultReplay.create(name, EVENTS);
      String lake = "s3://" + BUCKET + "/" + name;
      FaultReplay.lakeOptions(lake, endpoint);
      int third = replay.size() / 3;
      List<String> args =
          List.of(
              "--kafkaBootstrap=" + TestServices.kafka(),
              "--topic=" + replay.topic(),
              "--consumerGroup=" + name,
              "--jdbcUrl=" + jdbcUrl,
              "--lake=" + lake,
              "--s3Endpoint=" + endpoint);
      try (SpeedLayerChild speed = SpeedLayerChild.start(dir, args)) {
        replay.publish(0, third);
        awaitLakeFiles(speed, lake, 150);

        s3.kill();
        long down = System.nanoTime();
        LOG.info("S3 server killed with lake files being written; publishing the second third meanwhile");
        replay.publish(third, 2 * third);
        Thread.sleep(Math.max(0, OUTAGE_MILLIS - (System.nanoTime() - down) / 1_000_000));
        boolean aliveThroughOutage = speed.isAlive();
        assertTrue(aliveThroughOutage, () -> "the speed layer died while S3 was down:\n" + speed.tail());

        s3.start();
        long up = System.nanoTime();
        long outageMillis = (up - down) / 1_000_000;
        replay.publish(2 * third, replay.size());
        awaitRows(speed, jdbcUrl, replay.keptIds().size(), 150);
        long lastFile = FaultReplay.awaitLakeFilesSettle(lake, 15, 150);
        long recoveryMillis = Math.max(0, (lastFile - up) / 1_000_000);
        long restarts = speed.jobRestarts();
        assertTrue(speed.isAlive(), speed::tail);
        speed.close();

        replay.assertTableHoldsExactlyTheKeptEvents(jdbcUrl);
        List<String> visible = FaultReplay.filesTheBatchLayerSees(lake);
        List<String> temporary = FaultReplay.everyObject(lake).stream().filter(f -> !visible.contains(f)).toList();
        assertTrue(
            visible.stream().allMatch(f -> f.matches(".*/raw_events/year=\\d{4}/month=\\d{2}/events-[^/]*\\.parquet")),
            "the batch layer's patterns match only finished lake files: " + visible);
        replay.assertLakeReadsCompletelyWithEveryKeptEvent(lake, endpoint);
        assertEquals(0, restarts, "Flink job restores: the lake writes should wait for S3, not fail");
        String report =
            String.format(
                "S3 outage: %d events (%d kept), S3 down %.1f s; lake complete %.1f s after it was back (last file"
                    + " written); %d Parquet files visible to the batch layer, all read completely; %d other objects"
                    + " (Beam temporary files) not matched by its patterns; PostgreSQL 0 lost, 0 duplicated; Flink"
                    + " job restarts %d; test took %.0f s",
                replay.size(), replay.keptIds().size(), outageMillis / 1000.0, recoveryMillis / 1000.0, visible.size(),
                temporary.size(), restarts, (System.nanoTime() - t0) / 1e9);
        LOG.info(report);
        System.out.println(report);
        temporary.forEach(f -> LOG.info("not visible to the batch layer: {}", f));
      }
    } finally {
      s3.stop();
      if (jdbcUrl != null) {
        TestServices.dropDatabase(jdbcUrl);
      }
    }
  }

  private static void awaitLakeFiles(SpeedLayerChild speed, String lake, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (FaultReplay.filesTheBatchLayerSees(lake).isEmpty()) {
      assertTrue(speed.isAlive(), () -> "the speed layer died:\n" + speed.tail());
      assertTrue(System.nanoTime() < deadline, () -> "no lake file after " + seconds + " s:\n" + speed.tail());
      Thread.sleep(1000);
    }
  }

  private static void awaitRows(SpeedLayerChild speed, String jdbcUrl, long rows, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (TestServices.queryLong(jdbcUrl, "SELECT count(*) FROM realtime_recent_changes") < rows) {
      assertTrue(speed.isAlive(), () -> "the speed layer died:\n" + speed.tail());
      assertTrue(System.nanoTime() < deadline, () -> "fewer than " + rows + " rows after " + seconds + " s:\n" + speed.tail());
      Thread.sleep(500);
    }
  }
}
