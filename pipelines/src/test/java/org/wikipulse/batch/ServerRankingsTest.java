package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.wikipulse.batch.TestEvents.event;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.batch.ServerRankings.Ranking;
import org.wikipulse.batch.ServerRankings.ServerTotals;
import org.wikipulse.model.WikiEvent;

/** View 5: rank with ties broken by name, SQL percent_rank over all servers, exact distinct users. */
public class ServerRankingsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static ServerTotals totals(String server, long events) {
    String[] l = server.split("\\.");
    return new ServerTotals(server, l[0], l[1], events, events * 10);
  }

  @Test
  public void tiedServersAreRankedByNameButSharePercentRankComputedOverAllServersBeforeTheCut() {
    // Four servers: 5, 3, 3, 1 events; n = 4, so percent_rank = (r - 1) / 3 with r = 1, 2, 2, 4.
    List<Ranking> top3 =
        ServerRankings.rank(
            List.of(
                totals("fr.wikipedia.org", 3),
                totals("zh.wikipedia.org", 1),
                totals("en.wikipedia.org", 5),
                totals("de.wikipedia.org", 3)),
            Map.of("en.wikipedia.org", 4L, "de.wikipedia.org", 2L),
            3);

    assertEquals(
        List.of(
            new Ranking("en.wikipedia.org", "en", "wikipedia", 5, 50, 4, 1, 0.0),
            new Ranking("de.wikipedia.org", "de", "wikipedia", 3, 30, 2, 2, 1.0 / 3),
            new Ranking("fr.wikipedia.org", "fr", "wikipedia", 3, 30, 0, 3, 1.0 / 3)),
        top3);
  }

  @Test
  public void aSingleServerHasPercentileZeroAndTheLastOfManyHasOne() {
    assertEquals(
        List.of(new Ranking("en.wikipedia.org", "en", "wikipedia", 2, 20, 1, 1, 0.0)),
        ServerRankings.rank(List.of(totals("en.wikipedia.org", 2)), Map.of("en.wikipedia.org", 1L), 50));
    List<Ranking> two =
        ServerRankings.rank(List.of(totals("b.wikipedia.org", 1), totals("a.wikipedia.org", 1)), Map.of(), 50);
    assertEquals(List.of("a.wikipedia.org", "b.wikipedia.org"), two.stream().map(Ranking::serverName).toList());
    assertEquals(List.of(0.0, 0.0), two.stream().map(Ranking::percentile).toList()); // all tied
    List<Ranking> three =
        ServerRankings.rank(
            List.of(totals("a.wikipedia.org", 3), totals("b.wikipedia.org", 2), totals("c.wikipedia.org", 1)),
            Map.of(),
            50);
    assertEquals(List.of(0.0, 0.5, 1.0), three.stream().map(Ranking::percentile).toList());
  }

  @Test
  public void uniqueUsersAreExactDistinctUserNamesPerServer() throws Exception {
    // en: users X, Y (twice), Ünïcode and one event without a user → 3; de: X → 1.
    PAssert.that(
            p.apply(
                    Create.of(
                            event("1", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "X", false, 1),
                            event("2", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "Y", false, 2),
                            event("3", "2026-02-26T11:00:00Z", "new", "en.wikipedia.org", "Y", true, 3),
                            event("4", "2026-02-26T11:00:00Z", "edit", "en.wikipedia.org", "Ünïcode", false, 4),
                            event("5", "2026-02-26T11:00:00Z", "log", "en.wikipedia.org", null, false, 0),
                            event("6", "2026-02-26T12:00:00Z", "edit", "de.wikipedia.org", "X", false, -6))
                        .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
                .apply(new ServerRankings()))
        .containsInAnyOrder(
            new Ranking("en.wikipedia.org", "en", "wikipedia", 5, 10, 3, 1, 0.0),
            new Ranking("de.wikipedia.org", "de", "wikipedia", 1, 6, 1, 2, 1.0));
    p.run().waitUntilFinish();
  }
}
