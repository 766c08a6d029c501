package org.wikipulse.speed;

import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.wikipulse.jdbc.DeadLetterStatement;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.model.FailedRecord;
import org.wikipulse.options.PostgresOptions;

/** The one sink for every stage's dead letters: counted, then written to {@code dead_letters}, once each. */
public class WriteDeadLetters extends PTransform<PCollection<FailedRecord>, PDone> {
  private final PostgresOptions options;

  public WriteDeadLetters(PostgresOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollection<FailedRecord> failures) {
    return failures
        .apply("CountDeadLetters", ParDo.of(new CountFn()))
        .setCoder(failures.getCoder())
        .apply(
            "InsertDeadLetters",
            JdbcIO.<FailedRecord>write()
                .withDataSourceProviderFn(Jdbc.dataSourceProvider(options))
                .withStatement(DeadLetterStatement.SQL)
                .withPreparedStatementSetter(new DeadLetterStatement())
                .withBatchSize(100)
                .withRetryStrategy(Jdbc::isRetryable)
                .withRetryConfiguration(Jdbc.retryConfiguration()));
  }

  static class CountFn extends DoFn<FailedRecord, FailedRecord> {
    private final Counter deadLetters = Metrics.counter("WriteDeadLetters", "dead_letters");

    @ProcessElement
    public void processElement(@Element FailedRecord f, OutputReceiver<FailedRecord> out) {
      deadLetters.inc();
      out.output(f);
    }
  }
}
