package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
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
    rollups
        .get(AggregateMinuteRollups.ROLLUPS)
        .apply("UpsertMinuteRollups", upsert(MinuteRollupStatement.SQL, new MinuteRollupStatement()));
    rollups
        .get(AggregateMinuteRollups.PAGES)
        .apply("UpsertMinutePages", upsert(MinutePageStatement.SQL, new MinutePageStatement()));
    rollups
        .get(AggregateMinuteRollups.USERS)
        .apply("UpsertMinuteUsers", upsert(MinuteUserStatement.SQL, new MinuteUserStatement()));
    return PDone.in(rollups.getPipeline());
  }

  private <T> JdbcIO.Write<T> upsert(String sql, JdbcIO.PreparedStatementSetter<T> setter) {
    return JdbcIO.<T>write()
        .withDataSourceConfiguration(Jdbc.dataSource(options))
        .withStatement(sql)
        .withPreparedStatementSetter(setter)
        .withBatchSize(options.getJdbcBatchSize())
        .withRetryStrategy(Jdbc::isRetryable)
        .withRetryConfiguration(Jdbc.retryConfiguration());
  }
}
