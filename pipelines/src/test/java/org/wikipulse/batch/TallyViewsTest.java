package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.wikipulse.batch.TestEvents.edit;
import static org.wikipulse.batch.TestEvents.event;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/**
 * The one pass (de-duplication, noise rules, all views' tallies) gives exactly the rows of each
 * view computed on its own over the distinct kept events, and the run's counts.
 */
public class TallyViewsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void theOnePassEqualsEachViewOnTheDistinctKeptEventsAndCountsEveryEvent() throws Exception {
    WikiEvent a = edit("a", "2026-02-26T10:00:00Z", "Ann", false, 10);
    WikiEvent b = event("b", "2026-02-26T10:59:59.999Z", "new", "de.wikipedia.org", "Émile", false, -7);
    WikiEvent c = event("c", "2026-02-26T13:00:00Z", "log", "fr.wiktionary.org", "Bot1", true, 0);
    WikiEvent d = event("d", "2026-02-26T13:30:00Z", "edit", "de.wikipedia.org", null, false, 3);
    WikiEvent talk = edit("t", "2026-02-26T11:00:00Z", "Ann", false, 5);
    talk.namespace = 1;
    WikiEvent categorize = event("k", "2026-02-26T11:00:00Z", "categorize", "en.wikipedia.org", "Ann", false, 0);
    // read 9: a three times, c twice; distinct 6 (a, b, c, d, t, k); kept 4 (a, b, c, d).
    List<WikiEvent> read = List.of(a, b, a, c, d, talk, categorize, c, a);
    List<WikiEvent> distinctKept = List.of(a, b, c, d);

    Coder<WikiEvent> coder = p.getSchemaRegistry().getSchemaCoder(WikiEvent.class);
    PCollectionTuple tallies = p.apply("Read", Create.of(read).withCoder(coder)).apply(new TallyViews());
    PCollection<WikiEvent> reference = p.apply("DistinctKept", Create.of(distinctKept).withCoder(coder));
    HourlyTrends trends =
        new HourlyTrends(Instant.parse("2026-02-26T09:00:00Z"), Instant.parse("2026-02-26T14:00:00Z"));
    PCollection<KV<Long, EventTally>> hours = tallies.get(TallyViews.HOURS);

    assertSame("patterns", hours.apply(HourlyPatterns.fromTallies()), reference.apply(new HourlyPatterns()));
    assertSame("trends", hours.apply(trends.fromTallies()), reference.apply("Trends", trends));
    assertSame(
        "contributors",
        tallies.get(TallyViews.CONTRIBUTORS).apply(new TopContributors(2).fromTallies()),
        reference.apply(new TopContributors(2)));
    assertSame(
        "languages",
        tallies.get(TallyViews.LANGUAGES).apply(LanguageDistribution.fromTallies()),
        reference.apply(new LanguageDistribution()));
    assertSame(
        "rankings",
        tallies
            .get(TallyViews.SERVERS)
            .apply(new ServerRankings(2).fromTallies(tallies.get(TallyViews.SERVER_USERS))),
        reference.apply(new ServerRankings(2)));
    PAssert.that(tallies.get(TallyViews.COUNTS))
        .containsInAnyOrder(
            KV.of(TallyViews.READ, 9L), KV.of(TallyViews.DISTINCT, 6L), KV.of(TallyViews.KEPT, 4L));
    p.run().waitUntilFinish();
  }

  /** Asserts that {@code actual} holds the same rows as {@code expected} (as multisets). */
  private static <T> void assertSame(String name, PCollection<T> actual, PCollection<T> expected) {
    PCollection<KV<Boolean, String>> both =
        PCollectionList.of(
                actual.apply(name + "Actual", MapElements.into(kv()).via((T t) -> KV.of(true, t.toString()))))
            .and(expected.apply(name + "Expected", MapElements.into(kv()).via((T t) -> KV.of(false, t.toString()))))
            .apply(name + "Both", Flatten.pCollections());
    PAssert.thatSingleton(
            name, both.apply(name + "Collect", Combine.globally(new CollectToList<KV<Boolean, String>>())))
        .satisfies(
            all -> {
              List<String> a = new ArrayList<>();
              List<String> e = new ArrayList<>();
              all.forEach(kv -> (kv.getKey() ? a : e).add(kv.getValue()));
              a.sort(null);
              e.sort(null);
              assertEquals(name, e, a);
              assertEquals(name + " is not empty", true, !e.isEmpty());
              return null;
            });
  }

  private static org.apache.beam.sdk.values.TypeDescriptor<KV<Boolean, String>> kv() {
    return TypeDescriptors.kvs(TypeDescriptors.booleans(), TypeDescriptors.strings());
  }

}
