package org.wikipulse.lake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.wikipulse.model.SchemaCoders;
import org.wikipulse.model.WikiEvent;

/**
 * Reads lake Parquet files matching {@code filePatterns} (e.g. {@code
 * <lake>/raw_events/year=2026/month=02/*.parquet}) back into {@link WikiEvent}s. A pattern that
 * matches no file reads nothing (a month without events has no partition). Reads: the lake.
 */
public class ReadLakeEvents extends PTransform<PBegin, PCollection<WikiEvent>> {
  private final List<String> filePatterns;
  private final @Nullable List<String> columns;
  private final @Nullable SerializableFunction<GenericRecord, WikiEvent> fromProjected;
  private final @Nullable Coder<WikiEvent> projectedCoder;

  public ReadLakeEvents(String filePattern) {
    this(List.of(filePattern));
  }

  public ReadLakeEvents(List<String> filePatterns) {
    this(filePatterns, null, null, null);
  }

  private ReadLakeEvents(
      List<String> filePatterns,
      @Nullable List<String> columns,
      @Nullable SerializableFunction<GenericRecord, WikiEvent> fromProjected,
      @Nullable Coder<WikiEvent> projectedCoder) {
    this.filePatterns = List.copyOf(filePatterns);
    this.columns = columns == null ? null : List.copyOf(columns);
    this.fromProjected = fromProjected;
    this.projectedCoder = projectedCoder;
  }

  /**
   * Reads only {@code columns} from the files (Parquet decodes no other column), turns each record
   * of those columns into an event with {@code fromRecord} and encodes the events with {@code
   * coder}: for readers that need a few fields of many events.
   */
  public ReadLakeEvents withColumns(
      List<String> columns,
      SerializableFunction<GenericRecord, WikiEvent> fromRecord,
      Coder<WikiEvent> coder) {
    return new ReadLakeEvents(filePatterns, columns, fromRecord, coder);
  }

  /** The lake's Avro schema cut down to {@code columns}, in the lake's order. */
  static Schema projection(Schema full, List<String> columns) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : full.getFields()) {
      if (columns.contains(f.name())) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    if (fields.size() != columns.size()) {
      throw new IllegalArgumentException("not all of " + columns + " are lake columns: " + full);
    }
    return Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, fields);
  }

  @Override
  public PCollection<WikiEvent> expand(PBegin input) {
    SchemaCoder<WikiEvent> coder = SchemaCoders.of(input.getPipeline(), WikiEvent.class);
    Schema avro = WriteLakeParquet.avroSchema(coder);
    PCollection<FileIO.ReadableFile> files =
        input
            .apply("FilePatterns", Create.of(filePatterns).withCoder(StringUtf8Coder.of()))
            .apply("MatchFiles", FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
            .apply("OpenFiles", FileIO.readMatches())
            .apply("CheckParquetFooter", ParDo.of(new CheckParquetFooterFn()));
    if (columns != null) {
      Schema projected = projection(avro, columns);
      return files
          .apply(
              "ReadParquetColumns",
              ParquetIO.readFiles(avro)
                  .withProjection(projected, projected)
                  // ParquetIO sets only the projection: without this read schema (the key of
                  // AvroReadSupport.setAvroReadSchema) the records would still carry the whole
                  // schema, the missing columns null.
                  .withConfiguration(Map.of("parquet.avro.read.schema", projected.toString())))
          .apply("ToWikiEvent", MapElements.into(TypeDescriptor.of(WikiEvent.class)).via(fromProjected))
          .setCoder(projectedCoder);
    }
    return files
        .apply("ReadParquet", ParquetIO.readFiles(avro))
        .apply(
            "ToWikiEvent",
            ParDo.of(new FromGenericRecordFn(coder.getSchema(), coder.getFromRowFunction())))
        .setCoder(coder);
  }

  /**
   * Fails on a file that does not end with Parquet's magic {@code PAR1} (a truncated upload, a
   * foreign file in a partition), naming it: ParquetIO's own error does not say which file.
   */
  static class CheckParquetFooterFn extends DoFn<FileIO.ReadableFile, FileIO.ReadableFile> {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, OutputReceiver<FileIO.ReadableFile> out)
        throws IOException {
      long size = file.getMetadata().sizeBytes();
      ByteBuffer tail = ByteBuffer.allocate(MAGIC.length);
      if (size >= 2L * MAGIC.length + 4) {
        try (SeekableByteChannel channel = file.openSeekable()) {
          channel.position(size - MAGIC.length);
          while (tail.hasRemaining() && channel.read(tail) >= 0) {}
        }
      }
      if (tail.hasRemaining() || !Arrays.equals(tail.array(), MAGIC)) {
        throw new IOException(
            file.getMetadata().resourceId() + " is not a Parquet file (" + size + " bytes, no PAR1 footer)");
      }
      out.output(file);
    }
  }

  static class FromGenericRecordFn extends DoFn<GenericRecord, WikiEvent> {
    private final org.apache.beam.sdk.schemas.Schema schema;
    private final SerializableFunction<Row, WikiEvent> fromRow;

    FromGenericRecordFn(
        org.apache.beam.sdk.schemas.Schema schema, SerializableFunction<Row, WikiEvent> fromRow) {
      this.schema = schema;
      this.fromRow = fromRow;
    }

    @ProcessElement
    public void processElement(@Element GenericRecord record, OutputReceiver<WikiEvent> out) {
      out.output(fromRow.apply(AvroUtils.toBeamRowStrict(record, schema)));
    }
  }
}
