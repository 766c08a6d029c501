package org.wikipulse.spark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.wikipulse.batch.BatchLayerOptions;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.WriteLakeParquet;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.spark.SparkBatchLayer;
import org.wikipulse.testing.TestServices;

/**
 * Benchmark, not part of the default tests (its name matches no test pattern): writes a lake of
 * {@code -Dbench.events} (default 1,000,000) distinct events scaled from the sample by {@link
 * ScaledSample} (seed {@code -Dbench.seed}, 1 % repeats), unless that lake already exists, then
 * times the batch layer over all of it on the SparkRunner ({@code -Dbench.master}, default
 * local[*]) into a fresh database.
 *
 * <pre>{@code
 * mvn -B -pl runners/spark -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=BatchBench -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.events=1000000
 * }</pre>
 */
class BatchBench {
  private static final double DUPLICATE_RATE = 0.01;

  @Test
  void batchOverAScaledLake() throws Exception {
    long events = Long.getLong("bench.events", 1_000_000L);
    long seed = Long.getLong("bench.seed", 42L);
    String master = System.getProperty("bench.master", "local[*]");
    System.setProperty("spark.ui.enabled", "false");
    String lake = TestServices.lake("bench-" + events + "-seed" + seed);

    SparkPipelineOptions write = PipelineOptionsFactory.as(SparkPipelineOptions.class);
    write.setRunner(SparkRunner.class);
    write.setSparkMaster(master);
    BatchLayerOptions lakeOptions = write.as(BatchLayerOptions.class);
    lakeOptions.setLake(lake);
    LakeFileSystem.configure(lakeOptions);
    FileSystems.setDefaultPipelineOptions(write);
    String files = LakeFileSystem.rawEventsRoot(lake) + "/year=*/month=*/*.parquet";
    Coder<WikiEvent> coder = SchemaRegistry.createDefault().getSchemaCoder(WikiEvent.class);
    ScaledSample sample = new ScaledSample(coder, seed, DUPLICATE_RATE);
    int copies = sample.copiesFor(events);
    long written = 0;
    for (int k = 0; k < copies; k++) {
      written += sample.copy(k).size();
    }
    if (FileSystems.match(List.of(files), EmptyMatchTreatment.ALLOW).get(0).metadata().isEmpty()) {
      long t0 = System.nanoTime();
      Pipeline p = Pipeline.create(write);
      p.apply("CopyNumbers", Create.of(IntStream.range(0, copies).boxed().toList()))
          .apply("ScaleSample", ParDo.of(new ScaledSample.ExpandCopyFn(sample)))
          .setCoder(coder)
          .apply("WriteLakeParquet", new WriteLakeParquet(lake, Duration.standardMinutes(5), 4));
      assertEquals(PipelineResult.State.DONE, p.run().waitUntilFinish());
      System.out.printf("bench: wrote %,d events (%,d distinct) to %s in %.1f s%n",
          written, (long) copies * sample.sampleSize(), lake, (System.nanoTime() - t0) / 1e9);
    }

    String jdbcUrl = TestServices.freshDatabase("wikipulse_bench_" + ProcessHandle.current().pid());
    try {
      List<String> args = new ArrayList<>(List.of("--runner=SparkRunner", "--sparkMaster=" + master,
          "--all", "--lake=" + lake, "--jdbcUrl=" + jdbcUrl));
      java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
      double load0 = os.getSystemLoadAverage();
      long t0 = System.nanoTime();
      assertEquals(0, SparkBatchLayer.run(args.toArray(new String[0])));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - cpu0) / 1e9;
      // CPU time of this JVM over the run: on a machine shared with other work, steadier than wall time.
      System.out.printf("bench: batch --all over %,d lake events on SparkRunner %s (%d cores): %.1f s "
              + "(JVM CPU %.1f s; load average %.2f before, %.2f after)%n",
          written, master, Runtime.getRuntime().availableProcessors(), seconds, cpu, load0,
          os.getSystemLoadAverage());
      long distinct = (long) copies * sample.sampleSize();
      assertEquals(
          List.of("succeeded|" + written + "|" + (written - distinct)),
          TestServices.queryRows(jdbcUrl, "SELECT status, events_read, duplicates_dropped FROM batch_runs"));
      assertEquals(distinct, TestServices.queryLong(jdbcUrl, "SELECT sum(total_events) FROM historical_hourly_patterns"));
    } finally {
      TestServices.dropDatabase(jdbcUrl);
    }
  }
}
