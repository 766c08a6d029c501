package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.wikipulse.batch.TestEvents.edit;
import static org.wikipulse.batch.TestEvents.event;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.batch.TopContributors.Contributor;
import org.wikipulse.model.WikiEvent;

/** View 3: per (user, is_bot), cut to the top N, ties broken by user name in code point order. */
public class TopContributorsTest {
  private static final String FULLWIDTH_Z = "\uFF3Aed"; // Ｚed, U+FF3A
  private static final String MATH_A = "\uD835\uDC9Clpha"; // 𝒜lpha, U+1D49C (above U+FFFF)

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static void add(List<WikiEvent> events, String user, boolean bot, int n, String type) {
    for (int i = 0; i < n; i++) {
      String id = user + "/" + bot + "/" + type + "/" + i;
      events.add(event(id, "2026-02-26T10:00:00Z", type, "en.wikipedia.org", user, bot, 10));
    }
  }

  @Test
  public void tiesAreBrokenByUserNameInCodePointOrderThenHumansFirstAndTheCutKeepsTheFirstN() throws Exception {
    // 3 events: Alice (human), Bob (bot, one of them a page creation); 2 events: Carol as a human
    // and as a bot, zed, Émile, Ｚed, 𝒜lpha; 1 event: Bob as a human; 5 events without a user name.
    // Code point order puts Ｚed (U+FF3A) before 𝒜lpha (U+1D49C); String.compareTo would not.
    List<WikiEvent> events = new ArrayList<>();
    add(events, "Alice", false, 3, "edit");
    add(events, "Bob", true, 2, "edit");
    add(events, "Bob", true, 1, "new");
    add(events, "Bob", false, 1, "log");
    add(events, "Carol", true, 2, "edit");
    add(events, "Carol", false, 2, "edit");
    add(events, "zed", false, 2, "edit");
    add(events, "Émile", false, 2, "edit");
    add(events, FULLWIDTH_Z, false, 2, "edit");
    add(events, MATH_A, false, 2, "edit");
    for (int i = 0; i < 5; i++) {
      events.add(edit("anon" + i, "2026-02-26T10:00:00Z", null, false, 1));
    }
    PCollection<Contributor> top =
        p.apply(Create.of(events).withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
            .apply(new TopContributors(7));

    PAssert.that(top)
        .containsInAnyOrder(
            new Contributor("Alice", false, 3, 30, 0),
            new Contributor("Bob", true, 3, 30, 1),
            new Contributor("Carol", false, 2, 20, 0),
            new Contributor("Carol", true, 2, 20, 0),
            new Contributor("zed", false, 2, 20, 0),
            new Contributor("Émile", false, 2, 20, 0),
            new Contributor(FULLWIDTH_Z, false, 2, 20, 0));
    p.run().waitUntilFinish();
  }

  @Test
  public void rankOrderIsMostEventsThenNameByCodePointThenHumansBeforeBots() {
    List<Contributor> rows =
        new ArrayList<>(
            List.of(
                new Contributor(MATH_A, false, 2, 0, 0),
                new Contributor("Carol", true, 2, 0, 0),
                new Contributor(FULLWIDTH_Z, false, 2, 0, 0),
                new Contributor("Carol", false, 2, 0, 0),
                new Contributor("zz", false, 9, 0, 0)));
    rows.sort(new TopContributors.RankOrder());

    assertEquals(
        List.of("zz", "Carol", "Carol", FULLWIDTH_Z, MATH_A),
        rows.stream().map(Contributor::userName).toList());
    assertEquals(false, rows.get(1).isBot());
    assertTrue(MATH_A.compareTo(FULLWIDTH_Z) < 0); // why CodePointOrder exists
    assertTrue(CodePointOrder.INSTANCE.compare(FULLWIDTH_Z, MATH_A) < 0);
    assertTrue(CodePointOrder.INSTANCE.compare("Bob", "Bobby") < 0);
    assertEquals(0, CodePointOrder.INSTANCE.compare("Émile", "Émile"));
  }

  @Test
  public void fewerContributorsThanTheCutAreAllKept() throws Exception {
    PCollection<Contributor> top =
        p.apply(
                Create.of(
                        edit("a", "2026-02-26T10:00:00Z", "Ann", false, -5),
                        edit("b", "2026-02-26T11:00:00Z", "Ann", false, 3))
                    .withCoder(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class)))
            .apply(new TopContributors());

    PAssert.that(top).containsInAnyOrder(new Contributor("Ann", false, 2, 8, 0));
    p.run().waitUntilFinish();
  }
}
