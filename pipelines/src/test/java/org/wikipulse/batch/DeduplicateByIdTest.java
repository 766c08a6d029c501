package org.wikipulse.batch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.wikipulse.batch.TestEvents.edit;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;
import org.wikipulse.model.WikiEvent;

/** One event per event_id, the same one whatever order the repeats come in. */
public class DeduplicateByIdTest {
  @Test
  public void repeatsAreDroppedAndDifferingRepeatsKeepTheFirstInKeepOrder() {
    // "a" twice, identical; "b" once; "c" three times with different times: the earliest is kept.
    WikiEvent a = edit("a", "2026-02-26T10:00:00Z", "Ann", false, 1);
    WikiEvent b = edit("b", "2026-02-26T10:00:00Z", "Ann", false, 2);
    WikiEvent c1 = edit("c", "2026-02-26T10:05:00Z", "Ann", false, 3);
    WikiEvent c2 = edit("c", "2026-02-26T10:01:00Z", "Ann", false, 3);
    WikiEvent c3 = edit("c", "2026-02-26T10:09:00Z", "Ann", false, 3);
    assertEquals(
        Set.of(a, b, c2),
        new HashSet<>(DeduplicateById.onePerId(List.of(c1, a, b, c2, a, c3))));
    assertEquals(
        3, DeduplicateById.onePerId(List.of(c1, a, b, c2, a, c3)).size());
  }

  @Test
  public void aGroupOfIdsThatShareAHashKeepsOneEventPerId() {
    // The shuffle key is a hash: should two ids ever collide, their group holds both ids.
    WikiEvent x1 = edit("x", "2026-02-26T10:03:00Z", "Ann", false, 1);
    WikiEvent y = edit("y", "2026-02-26T10:00:00Z", "Bob", false, 2);
    WikiEvent x2 = edit("x", "2026-02-26T10:02:00Z", "Ann", false, 1);
    WikiEvent z = edit("z", "2026-02-26T10:04:00Z", "Cy", true, 3);
    assertEquals(
        Set.of(x2, y, z),
        new HashSet<>(DeduplicateById.onePerId(List.of(x1, y, x2, z, y))));
    assertEquals(List.of(), DeduplicateById.onePerId(List.of()));
    assertNotEquals(DeduplicateById.idHash("x"), DeduplicateById.idHash("y"));
  }
}
