package org.wikipulse.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.schemas.SchemaRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.wikipulse.lake.WriteLakeParquet;
import org.wikipulse.model.WikiEvent;

/** The batch layer's projection of lake events: the record conversion and the compact coder. */
class BatchEventsTest {
  private static final BatchEvents.EventCoder CODER = BatchEvents.EventCoder.of();

  /** An event as the projected read builds it: only the batch columns set. */
  private static WikiEvent projected(String id, String domain, Integer namespace, String user, boolean bot) {
    WikiEvent e = new WikiEvent();
    e.eventId = id;
    e.eventTime = Instant.parse("2026-02-26T10:00:00.123Z");
    e.domain = domain;
    e.type = "edit";
    e.namespace = namespace;
    e.user = user;
    e.serverName = "en.wikipedia.org";
    e.language = "en";
    e.project = "wikipedia";
    e.isBot = bot;
    e.bytesChanged = 1234567;
    return e;
  }

  @Test
  void everyBatchFieldSurvivesTheCoderNullsIncluded() throws Exception {
    // Domain equal to the server (the usual case), another domain, none; namespaces -1, 0, none.
    for (WikiEvent e : List.of(
        projected("a", "en.wikipedia.org", 0, "Ann", false),
        projected("b", "canary", -1, null, true),
        projected("c", null, null, "日本語の利用者 \uD835\uDC9C", false))) {
      CoderProperties.coderDecodeEncodeEqual(CODER, e);
      CoderProperties.coderDeterministic(CODER, e, projected(e.eventId, e.domain, e.namespace, e.user, e.isBot));
    }
    assertEquals(52, CoderUtils.encodeToByteArray(CODER, projected("a", "en.wikipedia.org", 0, "Ann", false)).length);
  }

  @Test
  void aLakeRecordOfTheBatchColumnsBecomesTheEventWithOnlyThoseFields() throws Exception {
    WikiEvent full = TestEvents.event("x", "2026-02-26T10:00:00Z", "new", "de.wikipedia.org", "Bob", true, -40);
    full.domain = "de.wikipedia.org";
    full.comment = "not read";
    Schema lake = WriteLakeParquet.avroSchema(SchemaRegistry.createDefault().getSchemaCoder(WikiEvent.class));
    GenericRecord record = new GenericData.Record(lake);
    record.put("event_id", "x");
    record.put("event_time", full.eventTime.getMillis());
    record.put("domain", "de.wikipedia.org");
    record.put("type", "new");
    record.put("namespace", 0);
    record.put("user_name", "Bob");
    record.put("server_name", "de.wikipedia.org");
    record.put("language", "de");
    record.put("project", "wikipedia");
    record.put("is_bot", true);
    record.put("bytes_changed", 40L);
    record.put("comment", "not read");

    WikiEvent e = new BatchEvents.FromRecord().apply(record);

    assertEquals(full.eventTime, e.eventTime);
    assertEquals(List.of("x", "de.wikipedia.org", "new", 0, "Bob", "de.wikipedia.org", "de", "wikipedia", true, 40L),
        List.of(e.eventId, e.domain, e.type, e.namespace, e.user, e.serverName, e.language, e.project, e.isBot,
            e.bytesChanged));
    assertNull(e.comment);
    assertNull(e.title);
  }

  @Test
  void aRecordWithoutABatchColumnIsRefusedByName() {
    Schema narrow = Schema.createRecord("WikiEvent", null, "org.wikipulse.lake", false,
        List.of(new Schema.Field("event_id", Schema.create(Schema.Type.STRING))));
    GenericRecord record = new GenericData.Record(narrow);
    record.put("event_id", "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BatchEvents.FromRecord().apply(record));
    assertEquals(true, e.getMessage().startsWith("lake record without column event_time"));
  }
}
