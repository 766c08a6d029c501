package org.wikipulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.wikipulse.testing.BadInputCorpus;
import org.wikipulse.testing.BadInputCorpus.Case;
import org.wikipulse.testing.BadInputCorpus.Outcome;

/**
 * Every case of the bad-input corpus, one by one, through the parse and filter rules: each is kept
 * under its id, filtered for its reason, or rejected with its reason, and a rejected one makes a
 * dead letter that PostgreSQL can store (no NUL, a bounded reason).
 */
class BadInputRulesTest {
  private static final BadInputCorpus CORPUS = BadInputCorpus.create();

  static List<Case> cases() {
    return CORPUS.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachCaseEndsWhereTheRulesSay(Case c) {
    WikiEvent e;
    try {
      e = RecentChangeParser.parse(c.bytes());
    } catch (InvalidEventException ex) {
      assertEquals(Outcome.DEAD_LETTER, c.outcome(), () -> "rejected: " + ex.getMessage());
      assertTrue(
          ex.getMessage().startsWith(c.detail()),
          () -> "reason '" + abbreviate(ex.getMessage()) + "' does not start with '" + c.detail() + "'");
      FailedRecord f = FailedRecord.of(RawRecord.of(c.bytes()), "parse", ex.getMessage(), Instant.now());
      assertFalse(f.error.indexOf('\u0000') >= 0 || f.payload.indexOf('\u0000') >= 0, "a NUL in the dead letter");
      assertTrue(f.error.length() <= FailedRecord.MAX_ERROR_CHARS + 3, "the reason is bounded");
      return;
    }
    Optional<DropReason> reason = DropReason.of(e);
    switch (c.outcome()) {
      case KEPT -> {
        assertEquals(Optional.empty(), reason, "kept");
        assertEquals(c.detail(), e.eventId);
      }
      case FILTERED -> assertEquals(c.detail(), reason.map(DropReason::metricName).orElse("kept"));
      default -> fail("parsed, but expected a dead letter starting '" + c.detail() + "'");
    }
  }

  @Test
  void theCorpusHasEveryCategoryWithItsCounts() {
    // The corpus itself, so that a change to it shows here: 151 records, 21 kept (17 ids), 16 filtered, 114 dead.
    assertEquals(
        "{CONTROL={KEPT=4}, TRUNCATED_OR_MALFORMED_JSON={DEAD_LETTER=11}, NOT_AN_EVENT_OBJECT={DEAD_LETTER=8}, "
            + "WRONG_TYPE={DEAD_LETTER=25}, MISSING_FIELD={KEPT=2, DEAD_LETTER=10}, "
            + "HUGE_FIELD={KEPT=3, DEAD_LETTER=13}, INVALID_UTF8={KEPT=2, DEAD_LETTER=11}, "
            + "NUL={KEPT=1, DEAD_LETTER=12}, UNKNOWN_TYPE={FILTERED=6}, TALK_PAGE={FILTERED=4, DEAD_LETTER=1}, "
            + "TIME_OUT_OF_RANGE={KEPT=3, DEAD_LETTER=15}, LENGTH_OUT_OF_RANGE={KEPT=2, DEAD_LETTER=6}, "
            + "DUPLICATE={KEPT=4, FILTERED=2, DEAD_LETTER=2}, CANARY={FILTERED=4}}",
        CORPUS.tally().toString());
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
