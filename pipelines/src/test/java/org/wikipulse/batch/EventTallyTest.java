package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.wikipulse.batch.TestEvents.event;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/** The combiner every view uses: counts, bytes, bots, new pages and edits, however it is split. */
public class EventTallyTest {
  private static final List<WikiEvent> EVENTS =
      List.of(
          event("a", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "A", false, -12),
          event("b", "2026-02-26T10:00:00Z", "new", "en.wikipedia.org", "B", true, 300),
          event("c", "2026-02-26T10:00:00Z", "log", "en.wikipedia.org", "C", true, 0),
          event("d", "2026-02-26T10:00:00Z", "edit", "en.wikipedia.org", "D", false, 5));

  @Test
  public void tallyCountsEachKindOnceAndMergesInAnyGrouping() {
    EventTally expected = new EventTally(4, 317, 2, 1, 2);
    assertEquals(expected, EventTally.of(EVENTS));
    assertEquals(2, expected.humanEvents());
    assertEquals(79.25, expected.avgBytes(), 0);
    assertEquals(0.0, new EventTally().avgBytes(), 0);
    // The tester shuffles and splits the inputs every way it can (it needs a mutable list).
    CombineFnTester.testCombineFn(new EventTally.TallyFn(), new ArrayList<>(EVENTS), expected);
  }

  @Test
  public void coderRoundTrips() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(EventTally.TallyCoder.of(), new EventTally(4, 317, 2, 1, 2));
    CoderProperties.coderDecodeEncodeEqual(
        EventTally.TallyCoder.of(), new EventTally(Long.MAX_VALUE, -1, 0, 0, 0));
  }
}
