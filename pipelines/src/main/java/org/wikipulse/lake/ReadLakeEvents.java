package org.wikipulse.lake;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.wikipulse.model.WikiEvent;

/**
 * Reads lake Parquet files matching {@code filePattern} (e.g. {@code
 * <lake>/raw_events/year=2026/month=02/*.parquet}) back into {@link WikiEvent}s. Reads: the lake.
 */
public class ReadLakeEvents extends PTransform<PBegin, PCollection<WikiEvent>> {
  private final String filePattern;

  public ReadLakeEvents(String filePattern) {
    this.filePattern = filePattern;
  }

  @Override
  public PCollection<WikiEvent> expand(PBegin input) {
    SchemaCoder<WikiEvent> coder;
    try {
      coder = input.getPipeline().getSchemaRegistry().getSchemaCoder(WikiEvent.class);
    } catch (NoSuchSchemaException e) {
      throw new IllegalStateException(e);
    }
    Schema avro = WriteLakeParquet.avroSchema(coder);
    return input
        .apply("ReadParquet", ParquetIO.read(avro).from(filePattern))
        .apply(
            "ToWikiEvent",
            ParDo.of(new FromGenericRecordFn(coder.getSchema(), coder.getFromRowFunction())))
        .setCoder(coder);
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
