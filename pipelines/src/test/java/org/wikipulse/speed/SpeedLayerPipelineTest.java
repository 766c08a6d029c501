package org.wikipulse.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CrashingRunner;
import org.junit.jupiter.api.Test;

/** How the speed layer chooses its Kafka read on each runner (the read itself: SpeedLayerUnboundedIT). */
class SpeedLayerPipelineTest {

  private static SpeedLayerOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(SpeedLayerOptions.class);
  }

  private static List<String> experiments(SpeedLayerOptions o) {
    return o.as(ExperimentalOptions.class).getExperiments();
  }

  @Test
  void anUnboundedDirectRunnerReadsThroughTheWrappedSource() {
    // No --runner: the DirectRunner is Beam's default, and ./wikipulse stream's.
    SpeedLayerOptions o = options("--experiments=some_other");
    SpeedLayerPipeline.preferWrappedKafkaSourceOnDirectRunner(o);
    assertEquals(List.of("some_other", "use_unbounded_sdf_wrapper"), experiments(o));
  }

  @Test
  void aReadExperimentTheUserGaveIsKept() {
    SpeedLayerOptions o = options("--runner=DirectRunner", "--experiments=use_deprecated_read");
    SpeedLayerPipeline.preferWrappedKafkaSourceOnDirectRunner(o);
    assertEquals(List.of("use_deprecated_read"), experiments(o));
  }

  @Test
  void boundedRunsAndOtherRunnersAreLeftAlone() {
    SpeedLayerOptions bounded = options("--runner=DirectRunner", "--maxRecords=10");
    SpeedLayerPipeline.preferWrappedKafkaSourceOnDirectRunner(bounded);
    assertNull(experiments(bounded));

    SpeedLayerOptions other = options();
    other.setRunner(CrashingRunner.class);
    SpeedLayerPipeline.preferWrappedKafkaSourceOnDirectRunner(other);
    assertNull(experiments(other));
  }
}
