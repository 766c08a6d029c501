package org.wikipulse.batch;

import static org.wikipulse.batch.TestEvents.event;

import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.batch.LanguageDistribution.Share;
import org.wikipulse.model.WikiEvent;

/** View 4: every (language, project) pair with its events, bytes, bot events and new pages. */
public class LanguageDistributionTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void everyPairHasItsOwnRow() throws Exception {
    // en.wikipedia and en.wiktionary share a language, de.wikipedia shares a project.
    PAssert.that(
            p.apply(
                    Create.of(
                            event("a", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "A", false, 10),
                            event("b", "2026-02-26T10:00:00Z", "new", "en.wikipedia.org", "B", true, 200),
                            event("c", "2026-02-26T11:00:00Z", "log", "en.wiktionary.org", "A", true, 0),
                            event("d", "2026-02-26T12:00:00Z", "edit", "de.wikipedia.org", "Jürgen", false, -3),
                            event("e", "2026-02-26T12:00:00Z", "new", "www.wikidata.org", "Q", true, 50))
                        .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
                .apply(new LanguageDistribution()))
        .containsInAnyOrder(
            new Share("en", "wikipedia", 2, 210, 1, 1),
            new Share("en", "wiktionary", 1, 0, 1, 0),
            new Share("de", "wikipedia", 1, 3, 0, 0),
            new Share("www", "wikidata", 1, 50, 1, 1));
    p.run().waitUntilFinish();
  }
}
