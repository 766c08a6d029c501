package org.wikipulse.speed;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/** Repeated event ids are dropped before anything counts; distinct ids all pass, timestamps kept. */
public class DeduplicateEventsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static WikiEvent event(String id) {
    WikiEvent e = new WikiEvent();
    e.eventId = id;
    e.eventTime = Instant.parse("2026-02-26T15:49:30Z");
    e.type = "edit";
    e.serverName = "en.wikipedia.org";
    e.language = "en";
    e.project = "wikipedia";
    return e;
  }

  @Test
  public void eachIdPassesOnceHoweverOftenItRepeats() throws Exception {
    // 300 distinct ids, the first 100 of them sent three times, across 4 shards.
    List<WikiEvent> input = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      input.add(event("id-" + i));
      expected.add("id-" + i);
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 100; i++) {
        input.add(event("id-" + i));
      }
    }
    PCollection<String> ids =
        p.apply(Create.of(input).withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
            .apply(new DeduplicateEvents(Duration.standardMinutes(10), 4))
            .apply(MapElements.into(TypeDescriptors.strings()).via((WikiEvent e) -> e.eventId));
    PAssert.that(ids).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }
}
