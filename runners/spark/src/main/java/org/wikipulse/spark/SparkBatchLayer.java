package org.wikipulse.spark;

import java.net.URISyntaxException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.spark.serializer.KryoSerializer;
import org.wikipulse.batch.BatchLayerOptions;
import org.wikipulse.batch.BatchLayerPipeline;

/**
 * The batch layer on Spark: {@link BatchLayerPipeline} with {@code --runner=SparkRunner} unless
 * another runner is named, and Spark defaults that suit it (see {@link #tune}). The main class of
 * this module's shaded jar, and what {@code ./wikipulse batch --runner=SparkRunner} runs. Reads:
 * the lake. Writes: PostgreSQL.
 *
 * <pre>{@code
 * # in-process, on every core (Java 17 needs Spark's --add-opens: see runners/spark/README.md)
 * ./wikipulse batch --runner=SparkRunner --sparkMaster=local[*] --all
 * # on a cluster
 * spark-submit --class org.wikipulse.spark.SparkBatchLayer --master spark://host:7077 \
 *   runners/spark/target/wikipulse-runner-spark-0.1.0-SNAPSHOT-bundled.jar --days=7
 * }</pre>
 */
public final class SparkBatchLayer {
  static final String STORAGE_LEVEL = "MEMORY_AND_DISK_SER";

  private SparkBatchLayer() {}

  public static void main(String[] args) {
    int code = run(args);
    // Spark leaves non-daemon threads behind; end the JVM with the run's exit code.
    System.exit(code);
  }

  /** Runs the batch layer as the command line does and returns its exit code. */
  public static int run(String[] args) {
    return BatchLayerPipeline.runCli(withSparkRunner(args), SparkBatchLayer::tune);
  }

  static String[] withSparkRunner(String[] args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (all.stream().noneMatch(a -> a.equals("--runner") || a.startsWith("--runner="))) {
      all.add(0, "--runner=SparkRunner");
    }
    if (all.stream().noneMatch(a -> a.startsWith("--storageLevel"))) {
      all.add("--storageLevel=" + STORAGE_LEVEL);
    }
    return all.toArray(new String[0]);
  }

  /**
   * Spark defaults for the batch layer, each only when the user has not set it:
   *
   * <ul>
   *   <li>{@code spark.serializer} = Kryo. Beam registers its Kryo serializers ({@code
   *       spark.kryo.registrator}) but leaves Spark's default, Java serialization, which wrote
   *       every shuffled record through {@code ObjectOutputStream} (an eighth of the read stage).
   *   <li>{@code --storageLevel=MEMORY_AND_DISK_SER} (added to the arguments): Beam caches each collection that several
   *       steps read (the events feed five views); at Spark's {@code MEMORY_ONLY} it keeps them as
   *       objects, and Spark spent a fifth of the de-duplication stage estimating their size. Kept
   *       as bytes of their (compact) coder, estimating is trivial and nothing is recomputed if
   *       memory runs short.
   *   <li>No class path staging on a {@code local} master: Beam otherwise packs the class path and
   *       Spark copies all ~340 jars into its temp folder before the first task (20 s and more of
   *       start-up on 2 cores) for an executor that shares this JVM's class path anyway. Beam
   *       takes an empty list as "not given", so the list names only this class's own jar.
   * </ul>
   */
  static void tune(BatchLayerOptions options) {
    if (!SparkRunner.class.equals(options.getRunner())) {
      return;
    }
    if (System.getProperty("spark.serializer") == null) {
      System.setProperty("spark.serializer", KryoSerializer.class.getName());
    }
    SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
    String master = System.getProperty("spark.master", spark.getSparkMaster());
    if (spark.getFilesToStage() == null && master.startsWith("local")) {
      spark.setFilesToStage(List.of(ownClassPathEntry()));
    }
  }

  /** The jar (or classes folder) this class was loaded from. */
  private static String ownClassPathEntry() {
    try {
      return Paths.get(SparkBatchLayer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
