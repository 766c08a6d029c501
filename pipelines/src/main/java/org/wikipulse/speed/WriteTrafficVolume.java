package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.jdbc.TrafficVolumeStatement;
import org.wikipulse.options.PostgresOptions;

/**
 * Upserts traffic panes into {@code realtime_traffic_volume}. The panes are moved into the global
 * window first: Beam 2.62's JdbcIO write emits its completion signal in the global window whatever
 * the input's windows, which the FlinkRunner rejects for fixed windows with a ClassCastException
 * (GlobalWindow to IntervalWindow, apache/beam#21882). Each pane carries its own window bounds.
 */
public class WriteTrafficVolume extends PTransform<PCollection<TrafficVolume>, PDone> {
  private final PostgresOptions options;

  public WriteTrafficVolume(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollection<TrafficVolume> panes) {
    return panes
        .apply("InGlobalWindow", Window.<TrafficVolume>into(new GlobalWindows()))
        .apply(
            "UpsertTrafficVolume",
            JdbcIO.<TrafficVolume>write()
                .withDataSourceProviderFn(Jdbc.dataSourceProvider(options))
                .withStatement(TrafficVolumeStatement.SQL)
                .withPreparedStatementSetter(new TrafficVolumeStatement())
                .withBatchSize(100)
                .withRetryStrategy(Jdbc::isRetryable)
                .withRetryConfiguration(Jdbc.retryConfiguration()));
  }
}
