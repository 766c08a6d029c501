package org.wikipulse.speed;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.NoSuchSchemaException;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/** Event-time behaviour of the minute rollups, one lateness case per test (Beam's LeaderBoardTest is the model). */
public class AggregateMinuteRollupsTest {
  private static final Duration LATENESS = Duration.standardMinutes(5);
  private static final Instant T0 = Instant.parse("2026-02-26T15:49:00Z");
  private static final IntervalWindow FIRST = new IntervalWindow(T0, AggregateMinuteRollups.MINUTE);
  private static final IntervalWindow SECOND =
      new IntervalWindow(FIRST.end(), AggregateMinuteRollups.MINUTE);

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static WikiEvent event(
      String id, String server, Integer namespace, String type, boolean bot, String title, String user, long diff) {
    WikiEvent e = new WikiEvent();
    e.eventId = id;
    e.eventTime = T0;
    e.type = type;
    e.serverName = server;
    e.language = server.split("\\.")[0];
    e.project = server.split("\\.")[1];
    e.namespace = namespace;
    e.isBot = bot;
    e.title = title;
    e.user = user;
    e.lengthDiff = diff;
    e.bytesChanged = Math.abs(diff);
    return e;
  }

  /** A human's edit of en:Berlin by Alice, {@code diff} bytes. */
  private static WikiEvent aliceEdit(String id, long diff) {
    return event(id, "en.wikipedia.org", 0, "edit", false, "Berlin", "Alice", diff);
  }

  private static TimestampedValue<WikiEvent> at(WikiEvent e, int second) {
    return TimestampedValue.of(e, T0.plus(Duration.standardSeconds(second)));
  }

  private static KV<MinuteRollupKey, RollupTotals> cube(
      IntervalWindow w, String server, Integer ns, String type, boolean bot, String severity,
      long events, long bytes, long added, long removed) {
    String[] labels = server.split("\\.");
    return KV.of(
        new MinuteRollupKey(w.start(), server, labels[0], labels[1], ns, type, bot, severity),
        new RollupTotals(events, bytes, added, removed));
  }

  private static KV<MinutePageKey, RollupTotals> page(
      IntervalWindow w, String server, String title, Integer ns, String type, boolean bot,
      long events, long bytes, long added, long removed) {
    return KV.of(
        new MinutePageKey(w.start(), server, title, ns, type, bot),
        new RollupTotals(events, bytes, added, removed));
  }

  private static KV<MinuteUserKey, RollupTotals> user(
      IntervalWindow w, String server, String user, Integer ns, String type, boolean bot,
      long events, long bytes, long added, long removed) {
    return KV.of(
        new MinuteUserKey(w.start(), server, user, ns, type, bot),
        new RollupTotals(events, bytes, added, removed));
  }

  private TestStream.Builder<WikiEvent> stream() throws NoSuchSchemaException {
    return TestStream.create(p.getSchemaRegistry().getSchemaCoder(WikiEvent.class))
        .advanceWatermarkTo(T0);
  }

  private PCollectionTuple aggregate(TestStream<WikiEvent> events) {
    return p.apply(events)
        .apply(new AggregateMinuteRollups(AggregateMinuteRollups.MINUTE, LATENESS, Duration.standardSeconds(10)));
  }

  /**
   * Asserts what each table got for the first minute: Alice's human edits of en:Berlin (one key in
   * each rollup), written with these totals, in any order.
   */
  private static void assertAliceBerlinTotals(PCollectionTuple out, RollupTotals... totals) {
    PAssert.that(out.get(AggregateMinuteRollups.ROLLUPS))
        .inWindow(FIRST)
        .containsInAnyOrder(
            withKey(new MinuteRollupKey(FIRST.start(), "en.wikipedia.org", "en", "wikipedia", 0, "edit", false, "MINOR"), totals));
    PAssert.that(out.get(AggregateMinuteRollups.PAGES))
        .inWindow(FIRST)
        .containsInAnyOrder(withKey(new MinutePageKey(FIRST.start(), "en.wikipedia.org", "Berlin", 0, "edit", false), totals));
    PAssert.that(out.get(AggregateMinuteRollups.USERS))
        .inWindow(FIRST)
        .containsInAnyOrder(withKey(new MinuteUserKey(FIRST.start(), "en.wikipedia.org", "Alice", 0, "edit", false), totals));
  }

  private static <K> List<KV<K, RollupTotals>> withKey(K key, RollupTotals... totals) {
    return Arrays.stream(totals).map(t -> KV.of(key, t)).collect(Collectors.toList());
  }

  @Test
  public void eventsAreSummedPerMinuteAndPerKeyOfEachTable() throws Exception {
    // Five events of two minutes (two wikis, bot and human, every severity, a log event without
    // namespace, title or user) arrive before the watermark passes their minutes. Processing time
    // stands still: each key's total is written once, when its minute closes.
    TestStream<WikiEvent> events =
        stream()
            .addElements(
                at(aliceEdit("a", 100), 1),
                at(aliceEdit("b", -150), 20),
                at(event("c", "en.wikipedia.org", 0, "edit", true, "Berlin", "SomeBot", 2000), 30),
                at(event("d", "de.wikipedia.org", null, "log", false, null, null, 0), 59),
                at(aliceEdit("e", 5), 61))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = aggregate(events);

    PAssert.that(out.get(AggregateMinuteRollups.ROLLUPS))
        .inWindow(FIRST)
        .containsInAnyOrder(
            cube(FIRST, "en.wikipedia.org", 0, "edit", false, "MINOR", 1, 100, 100, 0),
            cube(FIRST, "en.wikipedia.org", 0, "edit", false, "MODERATE", 1, 150, 0, 150),
            cube(FIRST, "en.wikipedia.org", 0, "edit", true, "MAJOR", 1, 2000, 2000, 0),
            cube(FIRST, "de.wikipedia.org", null, "log", false, "MINOR", 1, 0, 0, 0));
    PAssert.that(out.get(AggregateMinuteRollups.ROLLUPS))
        .inWindow(SECOND)
        .containsInAnyOrder(cube(SECOND, "en.wikipedia.org", 0, "edit", false, "MINOR", 1, 5, 5, 0));
    PAssert.that(out.get(AggregateMinuteRollups.PAGES))
        .inWindow(FIRST)
        .containsInAnyOrder(
            page(FIRST, "en.wikipedia.org", "Berlin", 0, "edit", false, 2, 250, 100, 150),
            page(FIRST, "en.wikipedia.org", "Berlin", 0, "edit", true, 1, 2000, 2000, 0),
            page(FIRST, "de.wikipedia.org", null, null, "log", false, 1, 0, 0, 0));
    PAssert.that(out.get(AggregateMinuteRollups.PAGES))
        .inWindow(SECOND)
        .containsInAnyOrder(page(SECOND, "en.wikipedia.org", "Berlin", 0, "edit", false, 1, 5, 5, 0));
    PAssert.that(out.get(AggregateMinuteRollups.USERS))
        .inWindow(FIRST)
        .containsInAnyOrder(
            user(FIRST, "en.wikipedia.org", "Alice", 0, "edit", false, 2, 250, 100, 150),
            user(FIRST, "en.wikipedia.org", "SomeBot", 0, "edit", true, 1, 2000, 2000, 0),
            user(FIRST, "de.wikipedia.org", null, null, "log", false, 1, 0, 0, 0));
    PAssert.that(out.get(AggregateMinuteRollups.USERS))
        .inWindow(SECOND)
        .containsInAnyOrder(user(SECOND, "en.wikipedia.org", "Alice", 0, "edit", false, 1, 5, 5, 0));
    p.run().waitUntilFinish();
  }

  @Test
  public void runningTotalsAreWrittenWhileTheMinuteIsOpen() throws Exception {
    // Processing time moves on past the flush interval while the minute is open: the running total
    // so far is written, then the whole minute's when it closes.
    TestStream<WikiEvent> events =
        stream()
            .addElements(at(aliceEdit("a", 100), 1))
            .advanceProcessingTime(Duration.standardSeconds(11))
            .addElements(at(aliceEdit("b", 20), 2))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = aggregate(events);
    assertAliceBerlinTotals(out, new RollupTotals(1, 100, 100, 0), new RollupTotals(2, 120, 120, 0));
    p.run().waitUntilFinish();
  }

  @Test
  public void aKeyIsNotWrittenAgainWhenItsTotalDidNotChange() throws Exception {
    // Written by the flush; nothing new by the time the minute closes, so nothing more.
    TestStream<WikiEvent> events =
        stream()
            .addElements(at(aliceEdit("a", 100), 1))
            .advanceProcessingTime(Duration.standardSeconds(11))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = aggregate(events);
    assertAliceBerlinTotals(out, new RollupTotals(1, 100, 100, 0));
    p.run().waitUntilFinish();
  }

  @Test
  public void aLateEventWithinTheAllowedLatenessCorrectsItsMinute() throws Exception {
    // The watermark passes the first minute, then an edit of that minute arrives 2 minutes late.
    TestStream<WikiEvent> events =
        stream()
            .addElements(at(aliceEdit("a", 100), 1))
            .advanceProcessingTime(Duration.standardSeconds(11))
            .advanceWatermarkTo(T0.plus(Duration.standardMinutes(3)))
            .addElements(at(aliceEdit("late", -30), 3))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = aggregate(events);
    // Each output carries the key's whole total so far: the correction is the larger, which the upsert keeps.
    assertAliceBerlinTotals(out, new RollupTotals(1, 100, 100, 0), new RollupTotals(2, 130, 100, 30));
    p.run().waitUntilFinish();
  }

  @Test
  public void anEventLaterThanTheAllowedLatenessIsDroppedAndCounted() throws Exception {
    // The watermark passes the first minute's end plus the allowed lateness before its last edit arrives.
    TestStream<WikiEvent> events =
        stream()
            .addElements(at(aliceEdit("a", 100), 1))
            .advanceWatermarkTo(FIRST.end().plus(LATENESS).plus(Duration.standardSeconds(1)))
            .addElements(at(aliceEdit("too-late", -30), 3))
            .advanceWatermarkToInfinity();
    PCollectionTuple out = aggregate(events);
    assertAliceBerlinTotals(out, new RollupTotals(1, 100, 100, 0));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals("the late edit, once per rollup", 3, RunSummary.droppedLate(result));
  }
}
