package org.wikipulse.speed;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.WriteLakeParquet;
import org.wikipulse.model.FailedRecord;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.transforms.FilterNoise;
import org.wikipulse.transforms.ParseRecentChange;

/**
 * The speed layer: raw recentchange events from Kafka, parsed, filtered and de-duplicated, into the
 * PostgreSQL real-time tables (the events in batches of 100, traffic windows, the dashboard's minute
 * rollups) and into the Parquet lake; bad records into {@code dead_letters}. Reads: Kafka. Writes:
 * PostgreSQL, the lake (S3 or a folder).
 *
 * <pre>{@code
 * ./wikipulse stream                                   # DirectRunner, forever
 * ./wikipulse stream --maxRecords=6129                 # bounded: stops when every output is done
 * ./wikipulse stream --runner=FlinkRunner                # see org.wikipulse.flink.FlinkSpeedLayer
 * mvn -q -pl pipelines -am compile exec:java -Dexec.mainClass=org.wikipulse.speed.SpeedLayerPipeline -Dexec.args=--maxRecords=100
 * }</pre>
 */
public final class SpeedLayerPipeline {
  private SpeedLayerPipeline() {}

  public static void main(String[] args) {
    SpeedLayerOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(SpeedLayerOptions.class);
    PipelineResult result = run(options);
    result.waitUntilFinish();
    if (options.getMaxRecords() > 0) {
      System.out.println(RunSummary.describe(result));
    }
  }

  /**
   * Builds and starts the speed layer; returns its handle. On the DirectRunner an unbounded run
   * returns at once (its {@code run()} would otherwise block forever, leaving the caller no handle
   * to wait on or cancel); {@code main} then waits, until Ctrl-C.
   */
  public static PipelineResult run(SpeedLayerOptions options) {
    validate(options);
    if (options.getMaxRecords() == 0) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    LakeFileSystem.configure(options);
    // The DirectRunner's immutability and encodability checks walk the whole graph for every
    // bundle (minutes for a few thousand events); they are test aids that TestPipeline-based unit
    // tests keep on. A real run of the speed layer on the DirectRunner goes without them.
    DirectOptions direct = options.as(DirectOptions.class);
    direct.setEnforceImmutability(false);
    direct.setEnforceEncodability(false);
    preferWrappedKafkaSourceOnDirectRunner(options);
    Pipeline pipeline = Pipeline.create(options);
    buildPipeline(pipeline, options);
    return pipeline.run();
  }

  /** The experiments that choose how KafkaIO reads; a user who names one keeps it. */
  static final List<String> KAFKA_READ_EXPERIMENTS =
      List.of(
          "use_unbounded_sdf_wrapper", "use_sdf_read", "use_deprecated_read", "beam_fn_api_use_deprecated_read");

  /**
   * An unbounded run on the DirectRunner reads Kafka through Beam's splittable-DoFn wrapper of the
   * same Kafka source ({@code use_unbounded_sdf_wrapper}) unless a flag chooses otherwise. The
   * DirectRunner gives a plain unbounded source bundles of at most 10 records and pays a fixed cost
   * per bundle in every step; the wrapper's bundles hold up to 100 records or 1 s: 242 events/s
   * instead of 106 on 2 cores (bench/RESULTS.md). Same source, same offsets committed when a bundle
   * is finalized, same timestamps and watermark. Other runners and bounded runs are left alone.
   */
  static void preferWrappedKafkaSourceOnDirectRunner(SpeedLayerOptions options) {
    if (options.getMaxRecords() > 0 || !DirectRunner.class.equals(options.getRunner())) {
      return;
    }
    ExperimentalOptions experimental = options.as(ExperimentalOptions.class);
    List<String> given = experimental.getExperiments() == null ? List.of() : experimental.getExperiments();
    if (given.stream().noneMatch(KAFKA_READ_EXPERIMENTS::contains)) {
      ExperimentalOptions.addExperiment(experimental, "use_unbounded_sdf_wrapper");
    }
  }

  /** Checks that span several flags; each message names the flag to fix. */
  static void validate(SpeedLayerOptions options) {
    if (options.getJdbcBatchSize() < 1) {
      throw new IllegalArgumentException("--jdbcBatchSize must be at least 1");
    }
    if (options.getTrafficWindowSeconds() < 1 || options.getLakeWindowSeconds() < 1) {
      throw new IllegalArgumentException("--trafficWindowSeconds and --lakeWindowSeconds must be at least 1");
    }
    if (options.getRollupEarlyFiringSeconds() < 1) {
      throw new IllegalArgumentException("--rollupEarlyFiringSeconds must be at least 1");
    }
    if (options.getLakeShards() < 1) {
      throw new IllegalArgumentException("--lakeShards must be at least 1");
    }
    if (options.getMaxRecords() < 0) {
      throw new IllegalArgumentException("--maxRecords must be 0 (unbounded) or more");
    }
  }

  /** Builds the whole graph on {@code pipeline}: what production runs and what the tests drive. */
  public static void buildPipeline(Pipeline pipeline, SpeedLayerOptions options) {
    PCollectionTuple parsed =
        pipeline
            .apply("ReadFromKafka", new ReadRawEvents(options))
            .apply("ParseRecentChange", new ParseRecentChange());
    PCollection<WikiEvent> events =
        parsed
            .get(ParseRecentChange.PARSED)
            .apply("FilterNoise", new FilterNoise())
            .apply("DeduplicateEvents", new DeduplicateEvents(Duration.standardMinutes(options.getDedupMinutes())));

    events.apply("WriteRecentChanges", new WriteRecentChanges(options));
    events
        .apply(
            "AggregateTrafficVolume",
            new AggregateTrafficVolume(
                Duration.standardSeconds(options.getTrafficWindowSeconds()),
                Duration.standardSeconds(options.getAllowedLatenessSeconds()),
                Duration.standardSeconds(options.getEarlyFiringSeconds())))
        .apply("WriteTrafficVolume", new WriteTrafficVolume(options));
    events
        .apply(
            "AggregateMinuteRollups",
            new AggregateMinuteRollups(
                AggregateMinuteRollups.MINUTE,
                Duration.standardSeconds(options.getAllowedLatenessSeconds()),
                Duration.standardSeconds(options.getRollupEarlyFiringSeconds())))
        .apply("WriteMinuteRollups", new WriteMinuteRollups(options));
    if (options.getWriteLake()) {
      events.apply(
          "WriteLakeParquet",
          new WriteLakeParquet(
              options.getLake(),
              Duration.standardSeconds(options.getLakeWindowSeconds()),
              options.getLakeShards()));
    }

    PCollectionList.of(parsed.get(ParseRecentChange.FAILED))
        .apply("CollectFailures", Flatten.<FailedRecord>pCollections())
        .apply("WriteDeadLetters", new WriteDeadLetters(options));
  }
}
