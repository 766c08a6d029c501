package org.wikipulse.lake;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
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
    SchemaCoder<WikiEvent> coder = SchemaCoders.of(events.getPipeline(), WikiEvent.class);
    Schema schema = avroSchema(coder);
    String run = Long.toString(System.currentTimeMillis(), 36);
    return events
        .apply("StampIngestionTime", ParDo.of(new StampIngestionTimeFn()))
        .setCoder(coder)
        .apply("WindowForFiles", Window.into(FixedWindows.of(window)))
        .apply("ToAvro", ParDo.of(new ToGenericRecordFn(coder.getToRowFunction(), schema.toString())))
        .setCoder(AvroCoder.of(GenericRecord.class, schema))
        .apply(
            "WriteParquetFiles",
            FileIO.<String, GenericRecord>writeDynamic()
                .by(r -> LakePartition.of(eventTimeMillis(r.get("event_time"))))
                .withDestinationCoder(StringUtf8Coder.of())
                .via(ParquetIO.sink(schema).withCompressionCodec(CompressionCodecName.SNAPPY))
                .to(LakeFileSystem.rawEventsRoot(lake))
                .withNaming(partition -> new LakeFileNaming(partition, run))
                .withNumShards(shards));
  }

  static long eventTimeMillis(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof org.joda.time.ReadableInstant i) {
      return i.getMillis();
    }
    if (value instanceof java.time.Instant i) {
      return i.toEpochMilli();
    }
    throw new IllegalArgumentException("event_time of unexpected type " + value);
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

  static class ToGenericRecordFn extends DoFn<WikiEvent, GenericRecord> {
    private final SerializableFunction<WikiEvent, Row> toRow;
    private final String schemaJson;
    private transient Schema schema;

    ToGenericRecordFn(SerializableFunction<WikiEvent, Row> toRow, String schemaJson) {
      this.toRow = toRow;
      this.schemaJson = schemaJson;
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(schemaJson);
    }

    @ProcessElement
    public void processElement(@Element WikiEvent e, OutputReceiver<GenericRecord> out) {
      out.output(AvroUtils.toGenericRecord(toRow.apply(e), schema));
    }
  }
}
