package org.wikipulse.flink;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.wikipulse.speed.SpeedLayerOptions;

/** The speed layer's options plus Flink's, and how a local run treats its old checkpoints. */
public interface FlinkSpeedLayerOptions extends SpeedLayerOptions, FlinkPipelineOptions {
  @Description(
      "Start from the consumer group's committed offsets with empty state, ignoring retained "
          + "checkpoints (default: a local unbounded run resumes from the newest complete checkpoint)")
  @Default.Boolean(false)
  boolean getFresh();

  void setFresh(boolean value);
}
