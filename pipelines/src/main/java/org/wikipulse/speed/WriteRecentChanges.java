package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.jdbc.RecentChangesStatement;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.options.PostgresOptions;

/**
 * {@code BatchForJdbc} then {@code InsertBatches}: groups events into batches of {@code
 * --jdbcBatchSize} (100) spread over {@code --jdbcWriteShards} keys, flushing a partial batch after
 * {@code --jdbcMaxBufferingMillis} so a quiet stream still lands within seconds, and inserts each
 * batch into {@code realtime_recent_changes} in one statement, idempotently.
 */
public class WriteRecentChanges extends PTransform<PCollection<WikiEvent>, PDone> {
  private final PostgresOptions options;

  public WriteRecentChanges(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollection<WikiEvent> events) {
    int shards = Math.max(1, options.getJdbcWriteShards());
    PCollection<KV<Integer, Iterable<WikiEvent>>> batches =
        events
            .apply(
                "KeyByShard",
                WithKeys.<Integer, WikiEvent>of(e -> Math.floorMod(e.eventId.hashCode(), shards))
                    .withKeyType(TypeDescriptors.integers()))
            .apply(
                "BatchForJdbc",
                GroupIntoBatches.<Integer, WikiEvent>ofSize(options.getJdbcBatchSize())
                    .withMaxBufferingDuration(Duration.millis(options.getJdbcMaxBufferingMillis())));
    return batches.apply(
        "InsertBatches",
        JdbcIO.<KV<Integer, Iterable<WikiEvent>>>write()
            .withDataSourceProviderFn(Jdbc.dataSourceProvider(options))
            .withStatement(RecentChangesStatement.SQL)
            .withPreparedStatementSetter(new RecentChangesStatement())
            .withBatchSize(10)
            .withRetryStrategy(Jdbc::isRetryable)
            .withRetryConfiguration(Jdbc.retryConfiguration()));
  }
}
