package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.jdbc.TrafficVolumeStatement;
import org.wikipulse.options.PostgresOptions;

/** Upserts traffic panes into {@code realtime_traffic_volume}. */
public class WriteTrafficVolume extends PTransform<PCollection<TrafficVolume>, PDone> {
  private final PostgresOptions options;

  public WriteTrafficVolume(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollection<TrafficVolume> panes) {
    return panes.apply(
        "UpsertTrafficVolume",
        JdbcIO.<TrafficVolume>write()
            .withDataSourceConfiguration(Jdbc.dataSource(options))
            .withStatement(TrafficVolumeStatement.SQL)
            .withPreparedStatementSetter(new TrafficVolumeStatement())
            .withBatchSize(100)
            .withRetryStrategy(Jdbc::isRetryable)
            .withRetryConfiguration(Jdbc.retryConfiguration()));
  }
}
