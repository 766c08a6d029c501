package org.wikipulse.lake;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import javax.annotation.Nullable;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.model.SchemaCoders;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.model.WikiEventCoder;

/**
 * Writes events to the lake as Snappy Parquet files in Hive-style partitions by event time:
 * {@code <lake>/raw_events/year=YYYY/month=MM/events-<window>-<pane>-<shard>-of-<n>.parquet}.
 *
 * <p>Files are grouped by fixed windows of <em>ingestion</em> time, while the partition comes from
 * the event's own time: an event that arrives hours late still lands in its month, and no lake
 * window ever drops a late event (the lake keeps everything; the batch layer de-duplicates). Beam
 * writes to a temporary folder and renames into place, so readers never see a partial file.
 */
public class WriteLakeParquet extends PTransform<PCollection<WikiEvent>, WriteFilesResult<String>> {
  private final String lake;
  private final Duration window;
  private final int shards;

  public WriteLakeParquet(String lake, Duration window, int shards) {
    this.lake = lake;
    this.window = window;
    this.shards = shards;
  }

  /** The Avro schema of lake files, derived from {@link WikiEvent}'s Beam schema. */
  public static Schema avroSchema(SchemaCoder<WikiEvent> coder) {
    return AvroUtils.toAvroSchema(coder.getSchema(), "WikiEvent", "org.wikipulse.lake");
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<WikiEvent> events) {
    SchemaCoder<WikiEvent> schemaCoder = SchemaCoders.of(events.getPipeline(), WikiEvent.class);
    String run = Long.toString(System.currentTimeMillis(), 36);
    return events
        .apply("StampIngestionTime", ParDo.of(new StampIngestionTimeFn()))
        .setCoder(WikiEventCoder.of())
        .apply("WindowForFiles", Window.into(FixedWindows.of(window)))
        .apply(
            "WriteParquetFiles",
            FileIO.<String, WikiEvent>writeDynamic()
                .by(e -> LakePartition.of(e.eventTime.getMillis()))
                .withDestinationCoder(StringUtf8Coder.of())
                .via(new ParquetEventSink(schemaCoder.getToRowFunction(), avroSchema(schemaCoder)))
                .to(LakeFileSystem.rawEventsRoot(lake))
                .withNaming(partition -> new LakeFileNaming(partition, run))
                .withNumShards(shards));
  }

  /** Re-stamps each event with the time it reached the lake writer (see the class comment). */
  static class StampIngestionTimeFn extends DoFn<WikiEvent, WikiEvent> {
    @ProcessElement
    public void processElement(@Element WikiEvent e, OutputReceiver<WikiEvent> out) {
      out.outputWithTimestamp(e, Instant.now());
    }

    @Override
    public Duration getAllowedTimestampSkew() {
      // Events may be stamped up to 24 h ahead of the wall clock; moving them back to now is fine here.
      return Duration.standardDays(2);
    }
  }

  /**
   * Beam's Parquet sink, fed {@link WikiEvent}s: each is converted to an Avro record as it is written,
   * after the shuffle to the file shards, so the shuffle moves events in their compact coder instead
   * of Avro records ({@code bench/RESULTS.md}, sixth session).
   */
  static class ParquetEventSink implements FileIO.Sink<WikiEvent> {
    private final SerializableFunction<WikiEvent, Row> toRow;
    private final String schemaJson;
    private final ParquetIO.Sink parquet;
    private transient @Nullable Schema schema;

    ParquetEventSink(SerializableFunction<WikiEvent, Row> toRow, Schema schema) {
      this.toRow = toRow;
      this.schemaJson = schema.toString();
      this.parquet = ParquetIO.sink(schema).withCompressionCodec(CompressionCodecName.SNAPPY);
    }

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      schema = new Schema.Parser().parse(schemaJson);
      parquet.open(channel);
    }

    @Override
    public void write(WikiEvent event) throws IOException {
      parquet.write(AvroUtils.toGenericRecord(toRow.apply(event), schema));
    }

    @Override
    public void flush() throws IOException {
      parquet.flush();
    }
  }
}
