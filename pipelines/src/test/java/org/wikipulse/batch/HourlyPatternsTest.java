package org.wikipulse.batch;

import static org.wikipulse.batch.TestEvents.event;

import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.batch.HourlyPatterns.Pattern;
import org.wikipulse.model.WikiEvent;

/** View 1 on hand-made events with known answers. */
public class HourlyPatternsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void eventsOnHourBoundariesBelongToTheHourTheyStartAndEmptyHoursHaveNoRow() throws Exception {
    // 10:00:00.000 and 10:59:59.999 are hour 10, 11:00:00.000 is hour 11; hour 12 has no event.
    PCollection<WikiEvent> events =
        p.apply(
            Create.of(
                    event("a", "2026-02-26T10:00:00.000Z", "edit", "en.wikipedia.org", "Alice", false, 100),
                    event("b", "2026-02-26T10:59:59.999Z", "edit", "en.wikipedia.org", "Bot1", true, -40),
                    event("c", "2026-02-26T11:00:00.000Z", "new", "de.wikipedia.org", "Bot1", true, 7),
                    event("d", "2026-02-26T11:30:00Z", "log", "de.wikipedia.org", "Émile", false, 0),
                    event("e", "2026-02-26T13:00:00Z", "edit", "en.wikipedia.org", "Alice", false, 5))
                .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)));

    PAssert.that(events.apply(new HourlyPatterns()))
        .containsInAnyOrder(
            new Pattern(Instant.parse("2026-02-26T10:00:00Z"), 2, 140, 70.0, 1, 1),
            new Pattern(Instant.parse("2026-02-26T11:00:00Z"), 2, 7, 3.5, 1, 1),
            new Pattern(Instant.parse("2026-02-26T13:00:00Z"), 1, 5, 5.0, 0, 1));
    p.run().waitUntilFinish();
  }

  @Test
  public void allBotsAndAllHumansAddUpAndTheAverageIsTheExactQuotient() throws Exception {
    // Three bot events of 1 byte and no human: avg 1/3 in double precision, human_events 0.
    PCollection<WikiEvent> events =
        p.apply(
            Create.of(
                    event("a", "2026-02-26T00:10:00Z", "edit", "en.wikipedia.org", "B", true, 1),
                    event("b", "2026-02-26T00:20:00Z", "edit", "en.wikipedia.org", "B", true, -1),
                    event("c", "2026-02-26T00:30:00Z", "edit", "en.wikipedia.org", "B", true, 0))
                .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)));

    PAssert.that(events.apply(new HourlyPatterns()))
        .containsInAnyOrder(new Pattern(Instant.parse("2026-02-26T00:00:00Z"), 3, 2, 2.0 / 3, 3, 0));
    p.run().waitUntilFinish();
  }
}
