package org.wikipulse.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wikipulse.batch.BatchLayerPipeline;

/**
 * The batch layer on Spark: {@link BatchLayerPipeline} with {@code --runner=SparkRunner} unless
 * another runner is named. The main class of this module's shaded jar, and what {@code ./wikipulse
 * batch --runner=SparkRunner} runs. Reads: the lake. Writes: PostgreSQL.
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
  private SparkBatchLayer() {}

  public static void main(String[] args) {
    int code = BatchLayerPipeline.runCli(withSparkRunner(args));
    // Spark leaves non-daemon threads behind; end the JVM with the run's exit code.
    System.exit(code);
  }

  static String[] withSparkRunner(String[] args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (all.stream().noneMatch(a -> a.equals("--runner") || a.startsWith("--runner="))) {
      all.add(0, "--runner=SparkRunner");
    }
    return all.toArray(new String[0]);
  }
}
