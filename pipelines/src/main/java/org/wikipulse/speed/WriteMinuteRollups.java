package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.jdbc.MinutePageStatement;
import org.wikipulse.jdbc.MinuteRollupStatement;
import org.wikipulse.jdbc.MinuteUserStatement;
import org.wikipulse.options.PostgresOptions;

/**
 * Upserts the panes of {@link AggregateMinuteRollups} into {@code realtime_minute_rollups}, {@code
 * realtime_minute_pages} and {@code realtime_minute_users}, in JDBC batches of {@code
 * --jdbcBatchSize}, retrying what {@link Jdbc#isRetryable} allows.
 */
public class WriteMinuteRollups extends PTransform<PCollectionTuple, PDone> {
  private final PostgresOptions options;

  public WriteMinuteRollups(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollectionTuple rollups) {
    upsert(rollups.get(AggregateMinuteRollups.ROLLUPS), "UpsertMinuteRollups", MinuteRollupStatement.SQL, new MinuteRollupStatement());
    upsert(rollups.get(AggregateMinuteRollups.PAGES), "UpsertMinutePages", MinutePageStatement.SQL, new MinutePageStatement());
    upsert(rollups.get(AggregateMinuteRollups.USERS), "UpsertMinuteUsers", MinuteUserStatement.SQL, new MinuteUserStatement());
    return PDone.in(rollups.getPipeline());
  }

  /**
   * Moves the panes into the global window before JdbcIO (each key carries its minute): Beam 2.62's
   * JdbcIO write emits in the global window whatever the input's windows, which the FlinkRunner
   * rejects for fixed windows with a ClassCastException (apache/beam#21882; see WriteTrafficVolume).
   */
  private <T> void upsert(
      PCollection<T> panes, String name, String sql, JdbcIO.PreparedStatementSetter<T> setter) {
    panes
        .apply(name + "InGlobalWindow", Window.<T>into(new GlobalWindows()))
        .apply(name, write(sql, setter));
  }

  private <T> JdbcIO.Write<T> write(String sql, JdbcIO.PreparedStatementSetter<T> setter) {
    return JdbcIO.<T>write()
        .withDataSourceProviderFn(Jdbc.dataSourceProvider(options))
        .withStatement(sql)
        .withPreparedStatementSetter(setter)
        .withBatchSize(options.getJdbcBatchSize())
        .withRetryStrategy(Jdbc::isRetryable)
        .withRetryConfiguration(Jdbc.retryConfiguration());
  }
}
