package org.wikipulse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wikipulse.model.InvalidEventException;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;
import org.wikipulse.testing.SampleData;

class ParquetEventSinkTest {

  /** The sink writes each event as the Avro record Beam's schema conversion makes of it. */
  @Test
  void writesEveryEventAsItsSchemaRecord(@TempDir Path dir) throws Exception {
    SchemaCoder<WikiEvent> coder = SchemaRegistry.createDefault().getSchemaCoder(WikiEvent.class);
    Schema schema = WriteLakeParquet.avroSchema(coder);
    List<WikiEvent> events = new ArrayList<>();
    for (String line : SampleData.allLines()) {
      try {
        events.add(RecentChangeParser.parse(line.getBytes(StandardCharsets.UTF_8)));
      } catch (InvalidEventException bad) {
        // the lake only ever sees parsed events
      }
    }
    Path file = dir.resolve("events.parquet");
    WriteLakeParquet.ParquetEventSink sink =
        new WriteLakeParquet.ParquetEventSink(coder.getToRowFunction(), schema);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      sink.open(channel);
      for (WikiEvent e : events) {
        sink.write(e);
      }
      sink.flush();
    }

    List<GenericRecord> read = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file)).build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        read.add(r);
      }
    }
    assertEquals(events.size(), read.size());
    for (int i = 0; i < events.size(); i++) {
      GenericRecord expected = AvroUtils.toGenericRecord(coder.getToRowFunction().apply(events.get(i)), schema);
      assertEquals(expected.toString(), read.get(i).toString(), "event " + i);
    }
  }
}
