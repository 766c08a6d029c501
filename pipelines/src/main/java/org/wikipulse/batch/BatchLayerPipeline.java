package org.wikipulse.batch;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.jdbc.Jdbc;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.ReadLakeEvents;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.sql.Databases;

/**
 * The batch layer: reads the lake partitions that overlap a range of event times, de-duplicates
 * the events by {@code event_id}, computes the five historical views and replaces the five
 * historical tables with them atomically, recording the run in {@code batch_runs}. Reads: the
 * Parquet lake (S3 or a folder). Writes: PostgreSQL (staging tables, then the historical tables).
 *
 * <pre>{@code
 * ./wikipulse batch                                      # DirectRunner, the last day
 * ./wikipulse batch --all --runner=SparkRunner --sparkMaster=local[*]
 * ./wikipulse batch --from=2026-02-01T00:00:00Z --to=2026-03-01T00:00:00Z
 * mvn -pl pipelines exec:java -Dexec.args="--days=7"     # after mvn install -DskipTests
 * }</pre>
 *
 * <p>A failed run leaves the historical tables as they were, is recorded {@code failed} with its
 * reason, and exits 1; a range without events is no error and changes no table.
 */
public final class BatchLayerPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(BatchLayerPipeline.class);
  /** Flags users naturally write as {@code --flag value}; Beam wants {@code --flag=value}. */
  private static final Set<String> VALUE_FLAGS = Set.of("--from", "--to", "--days", "--runner", "--lake");

  private BatchLayerPipeline() {}

  public static void main(String[] args) {
    int code = runCli(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the batch layer as the command line does; returns the exit code (0, 1 failed, 2 usage). */
  public static int runCli(String[] args) {
    return runCli(args, options -> {});
  }

  /**
   * {@link #runCli(String[])}, with {@code tune} applied to the parsed options before the run: how a
   * runner module sets its runner's defaults (e.g. {@code SparkBatchLayer}).
   */
  public static int runCli(String[] args, Consumer<BatchLayerOptions> tune) {
    BatchLayerOptions options;
    BatchRange range;
    try {
      PipelineOptionsFactory.register(BatchLayerOptions.class);
      options =
          PipelineOptionsFactory.fromArgs(joinFlagValues(args))
              .withValidation()
              .as(BatchLayerOptions.class);
      range = BatchRange.of(options, Instant.now());
      tune.accept(options);
    } catch (IllegalArgumentException e) {
      System.err.println("batch: " + e.getMessage() + " (see --help=BatchLayerOptions)");
      return 2;
    }
    BatchRuns.Run run;
    try {
      run = run(options, range);
    } catch (SQLException e) {
      System.err.println(
          "batch: cannot record the run in PostgreSQL at " + options.getJdbcUrl() + ": " + e.getMessage()
              + "\nIs it running, and migrated? Try ./wikipulse migrate (and WIKIPULSE_JDBC_URL).");
      return 1;
    }
    String what = "batch run " + run.runId() + " (" + run.runner() + ", " + range + ")";
    if (!"succeeded".equals(run.status())) {
      System.err.println(
          what + " failed: " + run.message()
              + "\nThe historical tables keep their previous contents.");
      return 1;
    }
    System.out.println(
        what + ": " + run.eventsRead() + " events read, " + run.duplicatesDropped()
            + " duplicates dropped; " + run.message());
    return 0;
  }

  /** Runs the batch layer over the range the options give, counted from now. */
  public static BatchRuns.Run run(BatchLayerOptions options) throws SQLException {
    return run(options, BatchRange.of(options, Instant.now()));
  }

  /**
   * Records a run, runs the pipeline to its end and returns how the run ended ({@code succeeded}
   * or {@code failed}, with its message). Throws only when PostgreSQL cannot record the run.
   */
  public static BatchRuns.Run run(BatchLayerOptions options, BatchRange range) throws SQLException {
    String runner = options.getRunner().getSimpleName();
    // This connection holds the run's lock until the run has ended: if this process dies, the
    // next run finds the lock free and marks this one abandoned (BatchRuns).
    try (Connection guard = connect(options)) {
      long runId = BatchRuns.start(guard, range, runner);
      return runAndRecord(options, range, runId);
    }
  }

  private static BatchRuns.Run runAndRecord(BatchLayerOptions options, BatchRange range, long runId)
      throws SQLException {
    String runner = options.getRunner().getSimpleName();
    LOG.info("batch run {} on {}: {}, lake {}", runId, runner, range, options.getLake());
    String failure = null;
    try {
      LakeFileSystem.configure(options);
      Pipeline pipeline = Pipeline.create(options);
      buildPipeline(pipeline, options, range, runId);
      PipelineResult.State state = pipeline.run().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        failure = "the pipeline ended in state " + state;
      }
    } catch (RuntimeException | LinkageError e) {
      LOG.error("batch run {} failed", runId, e);
      failure = describe(e);
    }
    try (Connection c = connect(options)) {
      if (failure == null && "running".equals(BatchRuns.read(c, runId).status())) {
        failure = "the pipeline finished without publishing its results";
      }
      if (failure != null) {
        BatchRuns.fail(c, runId, failure);
      }
      return BatchRuns.read(c, runId);
    }
  }

  /**
   * Builds the whole graph of run {@code runId} on {@code pipeline}: what production runs and what
   * the tests drive. The lake is read once; the five views fan out from the de-duplicated events.
   */
  public static void buildPipeline(
      Pipeline pipeline, BatchLayerOptions options, BatchRange range, long runId) {
    PCollection<WikiEvent> read =
        pipeline
            .apply(
                "ReadLakeEvents",
                new ReadLakeEvents(range.filePatterns(options.getLake()))
                    .withColumns(
                        BatchEvents.COLUMNS, new BatchEvents.FromRecord(), BatchEvents.EventCoder.of()))
            .apply("KeepRange", Filter.by((WikiEvent e) -> range.contains(e.eventTime)));
    // One pass: de-duplication, noise rules and the tallies of all five views (TallyViews).
    PCollectionTuple tallies = read.apply("TallyViews", new TallyViews());
    PCollection<KV<Long, EventTally>> hours = tallies.get(TallyViews.HOURS);

    SerializableFunction<Void, DataSource> db = Jdbc.dataSourceProvider(options);
    int batchSize = options.getStagingBatchSize();
    List<PCollection<?>> staged = new ArrayList<>();
    staged.add(
        hours
            .apply("ComputeHourlyPatterns", HourlyPatterns.fromTallies())
            .apply("StageHourlyPatterns", stage(HistoricalTable.HOURLY_PATTERNS, db, runId, batchSize)));
    staged.add(
        hours
            .apply("ComputeHourlyTrends", HourlyTrends.over(range).fromTallies())
            .apply("StageHourlyTrends", stage(HistoricalTable.HOURLY_TRENDS, db, runId, batchSize)));
    staged.add(
        tallies
            .get(TallyViews.CONTRIBUTORS)
            .apply("ComputeTopContributors", new TopContributors().fromTallies())
            .apply("StageTopContributors", stage(HistoricalTable.TOP_CONTRIBUTORS, db, runId, batchSize)));
    staged.add(
        tallies
            .get(TallyViews.LANGUAGES)
            .apply("ComputeLanguageDistribution", LanguageDistribution.fromTallies())
            .apply(
                "StageLanguageDistribution",
                stage(HistoricalTable.LANGUAGE_DISTRIBUTION, db, runId, batchSize)));
    staged.add(
        tallies
            .get(TallyViews.SERVERS)
            .apply(
                "ComputeServerRankings",
                new ServerRankings().fromTallies(tallies.get(TallyViews.SERVER_USERS)))
            .apply("StageServerRankings", stage(HistoricalTable.SERVER_RANKINGS, db, runId, batchSize)));

    PCollectionView<Map<String, Long>> counts =
        tallies.get(TallyViews.COUNTS).apply("CountsView", View.asMap());
    pipeline
        .apply("RunId", Create.of(runId))
        .apply("AwaitStaging", Wait.on(staged))
        .apply("PublishRun", ParDo.of(new PublishRunFn(db, counts)).withSideInputs(counts));
  }

  /** Writes a view's rows into its staging table under {@code runId}, in batches. */
  static <T> JdbcIO.WriteVoid<T> stage(
      HistoricalTable<T> table, SerializableFunction<Void, DataSource> db, long runId, int batchSize) {
    return JdbcIO.<T>write()
        .withDataSourceProviderFn(db)
        .withStatement(table.stageSql())
        .withPreparedStatementSetter(table.stageSetter(runId))
        .withBatchSize(batchSize)
        .withRetryStrategy(Jdbc::isRetryable)
        .withRetryConfiguration(Jdbc.retryConfiguration())
        .withResults();
  }

  private static Connection connect(BatchLayerOptions options) throws SQLException {
    return Databases.connect(options.getJdbcUrl(), options.getDbUser(), options.getDbPassword());
  }

  /** {@code --from X} → {@code --from=X} for the flags that take a value. */
  static String[] joinFlagValues(String[] args) {
    List<String> joined = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (VALUE_FLAGS.contains(args[i]) && i + 1 < args.length && !args[i + 1].startsWith("--")) {
        joined.add(args[i] + "=" + args[++i]);
      } else {
        joined.add(args[i]);
      }
    }
    return joined.toArray(new String[0]);
  }

  /** The reason of a failure: the deepest cause, which runners wrap in their own exceptions. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage();
    return root.getClass().getName() + message;
  }
}
