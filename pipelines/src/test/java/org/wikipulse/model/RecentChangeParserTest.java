package org.wikipulse.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wikipulse.testing.BadInputCorpus;
import org.wikipulse.testing.SampleData;

/**
 * The parse, filter and enrichment rules on every real recorded event, with exact counts per rule
 * (computed independently from the raw files), and on hand-made bad payloads.
 */
class RecentChangeParserTest {

  /** Per-file tallies of applying the rules to one sample file. */
  record Tally(
      int read,
      int invalid,
      int droppedType,
      int droppedTalk,
      int droppedCanary,
      int kept,
      int keptEdit,
      int keptNew,
      int keptLog,
      int keptBot,
      long keptBytesChanged,
      long keptLengthDiff) {}

  static Tally tally(List<String> lines) throws InvalidEventException {
    int invalid = 0, type = 0, talk = 0, canary = 0, kept = 0, edit = 0, created = 0, log = 0, bot = 0;
    long bytes = 0, diff = 0;
    for (String line : lines) {
      WikiEvent e;
      try {
        e = RecentChangeParser.parse(line.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidEventException ex) {
        invalid++;
        continue;
      }
      Optional<DropReason> reason = DropReason.of(e);
      if (reason.isPresent()) {
        switch (reason.get()) {
          case UNTRACKED_TYPE -> type++;
          case TALK_PAGE -> talk++;
          case CANARY -> canary++;
        }
        continue;
      }
      kept++;
      switch (e.type) {
        case "edit" -> edit++;
        case "new" -> created++;
        case "log" -> log++;
        default -> throw new AssertionError("kept an untracked type " + e.type);
      }
      bot += e.isBot ? 1 : 0;
      bytes += e.bytesChanged;
      diff += e.lengthDiff;
    }
    return new Tally(lines.size(), invalid, type, talk, canary, kept, edit, created, log, bot, bytes, diff);
  }

  static Stream<Arguments> sampleFiles() {
    return Stream.of(
        Arguments.of(SampleData.SAT99496, new Tally(50, 0, 27, 5, 0, 18, 16, 1, 1, 4, 6398, 6156)),
        Arguments.of(SampleData.VISAAL, new Tally(128, 0, 28, 2, 0, 98, 88, 6, 4, 29, 61087, 46641)),
        Arguments.of(
            SampleData.EDITGROUPS, new Tally(5807, 0, 0, 2, 0, 5805, 5634, 98, 73, 4606, 1472533, 1397089)),
        Arguments.of(SampleData.DATAPLUMBHUB, new Tally(144, 0, 68, 0, 0, 76, 66, 3, 7, 28, 39602, 35054)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sampleFiles")
  void everyRealEventParsesAndTheRulesGiveTheExpectedCounts(String file, Tally expected)
      throws Exception {
    assertEquals(expected, tally(SampleData.lines(file)));
  }

  @Test
  void allSampleFilesTogether() throws Exception {
    Tally all = tally(SampleData.allLines());
    assertEquals(6129, all.read());
    assertEquals(0, all.invalid());
    assertEquals(123, all.droppedType());
    assertEquals(9, all.droppedTalk());
    assertEquals(5997, all.kept());
    assertEquals(1_579_620L, all.keptBytesChanged());
  }

  @Test
  void languageAndProjectComeFromTheServerName() throws Exception {
    Map<String, Integer> byLanguageProject = new HashMap<>();
    for (String line : SampleData.allLines()) {
      WikiEvent e = RecentChangeParser.parse(line);
      if (DropReason.of(e).isEmpty()) {
        byLanguageProject.merge(e.language + "/" + e.project, 1, Integer::sum);
      }
    }
    assertEquals(35, byLanguageProject.size());
    assertEquals(5856, byLanguageProject.get("www/wikidata"));
    assertEquals(55, byLanguageProject.get("commons/wikimedia"));
    assertEquals(21, byLanguageProject.get("en/wikipedia"));
    assertEquals(1, byLanguageProject.get("incubator/wikimedia"));
  }

  @Test
  void aModernEditCarriesEveryField() throws Exception {
    WikiEvent e = RecentChangeParser.parse(SampleData.lines(SampleData.VISAAL).get(0));
    assertEquals("1a90285f-8568-4f89-b884-a333903885bc", e.eventId);
    assertEquals(new Instant(1731639988_000L), e.eventTime);
    assertEquals("2024-11-15T03:06:28Z", e.metaDt);
    assertEquals("www.wikidata.org", e.domain);
    assertEquals("edit", e.type);
    assertEquals(2342899586L, e.rcId);
    assertEquals(0, e.namespace);
    assertEquals("Q496115", e.title);
    assertEquals("TadejM", e.user);
    assertEquals("www.wikidata.org", e.serverName);
    assertEquals("wikidatawiki", e.wiki);
    assertEquals("/* wbsetaliases-add:1|sl */ Okrožje Phelps", e.comment);
    assertEquals("www", e.language);
    assertEquals("wikidata", e.project);
    assertFalse(e.isBot);
    assertFalse(e.isMinor);
    assertFalse(e.isNewPage);
    assertEquals(65536 - 65452, e.lengthDiff);
    assertEquals(84, e.bytesChanged);
    assertEquals(2274892760L, e.revisionOld);
    assertEquals(2274892762L, e.revisionNew);
    assertNull(e.logType);
    assertEquals(EditSeverity.MINOR, e.severity());
  }

  @Test
  void theOld2018FormParsesWithItsOffsetStyleMetaDt() throws Exception {
    WikiEvent e = RecentChangeParser.parse(SampleData.lines(SampleData.EDITGROUPS).get(0));
    assertEquals("dd8c5690-2222-11e8-a2ad-1418776134f3", e.eventId);
    assertEquals("2018-03-07T16:16:17+00:00", e.metaDt);
    assertEquals(new Instant(1520439377_000L), e.eventTime);
    assertEquals(1438 - 1007, e.lengthDiff);
    assertEquals(680514367L, e.rcId);
  }

  @Test
  void eventTimeFallsBackToMetaDtWithMilliseconds() throws Exception {
    WikiEvent e =
        RecentChangeParser.parse(
            "{\"meta\":{\"id\":\"x\",\"dt\":\"2026-02-26T15:49:36.544Z\"},\"type\":\"edit\","
                + "\"server_name\":\"en.wikipedia.org\",\"namespace\":0}");
    assertEquals(Instant.parse("2026-02-26T15:49:36.544Z"), e.eventTime);
  }

  @Test
  void aMissingLengthSideCountsZero() throws Exception {
    String base =
        "{\"meta\":{\"id\":\"x\"},\"timestamp\":1700000000,\"type\":\"new\","
            + "\"server_name\":\"de.wikipedia.org\",\"length\":{\"new\":1500}}";
    WikiEvent e = RecentChangeParser.parse(base);
    assertEquals(1500, e.lengthDiff);
    assertEquals(1500, e.bytesChanged);
    assertTrue(e.isNewPage);
    assertEquals(EditSeverity.MAJOR, e.severity());
    WikiEvent shrink =
        RecentChangeParser.parse(base.replace("{\"new\":1500}", "{\"old\":250}"));
    assertEquals(-250, shrink.lengthDiff);
    assertEquals(250, shrink.bytesChanged);
    assertEquals(EditSeverity.MODERATE, shrink.severity());
  }

  @Test
  void talkPagesAndCanariesAndCategorizeAreDropped() throws Exception {
    String tmpl =
        "{\"meta\":{\"id\":\"x\",\"domain\":\"%s\"},\"timestamp\":1700000000,\"type\":\"%s\","
            + "\"server_name\":\"en.wikipedia.org\",\"namespace\":%d}";
    assertEquals(Optional.empty(), DropReason.of(parse(tmpl, "en.wikipedia.org", "edit", 0)));
    assertEquals(Optional.empty(), DropReason.of(parse(tmpl, "en.wikipedia.org", "log", 2)));
    assertEquals(Optional.of(DropReason.TALK_PAGE), DropReason.of(parse(tmpl, "en.wikipedia.org", "edit", 1)));
    assertEquals(Optional.of(DropReason.TALK_PAGE), DropReason.of(parse(tmpl, "en.wikipedia.org", "new", 3)));
    assertEquals(Optional.of(DropReason.TALK_PAGE), DropReason.of(parse(tmpl, "en.wikipedia.org", "edit", -1)));
    assertEquals(Optional.of(DropReason.CANARY), DropReason.of(parse(tmpl, "canary", "edit", 0)));
    assertEquals(
        Optional.of(DropReason.UNTRACKED_TYPE), DropReason.of(parse(tmpl, "en.wikipedia.org", "categorize", 14)));
    assertEquals(
        Optional.of(DropReason.UNTRACKED_TYPE), DropReason.of(parse(tmpl, "en.wikipedia.org", "142", 0)));
  }

  private static WikiEvent parse(String tmpl, String domain, String type, int ns) throws Exception {
    return RecentChangeParser.parse(String.format(tmpl, domain, type, ns));
  }

  static Stream<Arguments> badPayloads() {
    String ok =
        "{\"meta\":{\"id\":\"x\",\"dt\":\"2024-01-01T00:00:00Z\"},\"timestamp\":1700000000,"
            + "\"type\":\"edit\",\"server_name\":\"en.wikipedia.org\",\"namespace\":0,\"title\":\"T\","
            + "\"bot\":false,\"length\":{\"old\":1,\"new\":2}}";
    return Stream.of(
        Arguments.of("", "empty payload"),
        Arguments.of("{\"meta\":", "not valid JSON"),
        Arguments.of("[1,2]", "not a JSON object"),
        Arguments.of("{\"type\":\"edit\"}", "missing meta"),
        Arguments.of(ok.replace("\"id\":\"x\",", ""), "missing meta.id"),
        Arguments.of(ok.replace("\"type\":\"edit\",", ""), "missing type"),
        Arguments.of(ok.replace("\"server_name\":\"en.wikipedia.org\",", ""), "missing server_name"),
        Arguments.of(ok.replace("en.wikipedia.org", "localhost"), "is not a host name"),
        Arguments.of(
            ok.replace("\"timestamp\":1700000000,", "").replace("\"dt\":\"2024-01-01T00:00:00Z\"", "\"x\":1"),
            "missing time"),
        Arguments.of(ok.replace("1700000000", "\"soon\""), "timestamp is not an integer"),
        Arguments.of(ok.replace("\"timestamp\":1700000000,", "").replace("2024-01-01T00:00:00Z", "yesterday"),
            "is not an ISO-8601 time"),
        Arguments.of(ok.replace("1700000000", "86400"), "before 2001-01-15"),
        Arguments.of(ok.replace("1700000000", "99999999999"), "in the future"),
        Arguments.of(ok.replace("\"namespace\":0", "\"namespace\":\"Talk\""), "namespace is not an integer"),
        Arguments.of(ok.replace("\"bot\":false", "\"bot\":\"no\""), "bot is not a boolean"),
        Arguments.of(ok.replace("\"old\":1", "\"old\":-5"), "length.old is negative"),
        Arguments.of(ok.replace("{\"old\":1,\"new\":2}", "7"), "length is not an object"),
        Arguments.of(ok.replace("\"T\"", "\"" + "x".repeat(5000) + "\""), "title is 5000 characters"),
        Arguments.of(ok.replace("\"T\"", "\"a\\u0000b\""), "title contains a NUL character"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badPayloads")
  void badPayloadsAreRejectedWithTheirReason(String payload, String reason) {
    InvalidEventException e =
        assertThrows(InvalidEventException.class, () -> RecentChangeParser.parse(payload));
    assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' lacks '" + reason + "'");
  }

  @Test
  void invalidUtf8IsRejectedNotReplaced() {
    byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    InvalidEventException e =
        assertThrows(InvalidEventException.class, () -> RecentChangeParser.parse(bytes));
    assertEquals("payload is not valid UTF-8", e.getMessage());
  }

  /**
   * The source's timestamp policy reads only the time ({@link RecentChangeParser#eventTimeOf}); it
   * must give exactly the full parse's time for every real event and every corpus case the parse
   * accepts, and reject what has no valid time.
   */
  @Test
  void theTimeOnlyScanGivesTheFullParsesTime() throws Exception {
    int compared = 0;
    for (String line : SampleData.allLines()) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      assertEquals(RecentChangeParser.parse(bytes).eventTime, RecentChangeParser.eventTimeOf(bytes), line);
      compared++;
    }
    for (BadInputCorpus.Case c : BadInputCorpus.create().cases()) {
      WikiEvent parsed;
      try {
        parsed = RecentChangeParser.parse(c.payload());
      } catch (InvalidEventException e) {
        continue;
      }
      assertEquals(parsed.eventTime, RecentChangeParser.eventTimeOf(c.payload()), c.name());
      compared++;
    }
    assertTrue(compared > 6129, "compared " + compared);
    String ok = "{\"meta\":{\"dt\":\"2024-01-01T00:00:00Z\",\"dt\":\"2024-01-02T00:00:00Z\"},\"x\":[{\"timestamp\":1}]}";
    assertEquals(Instant.parse("2024-01-02T00:00:00Z"), RecentChangeParser.eventTimeOf(ok.getBytes(StandardCharsets.UTF_8)));
    for (String bad : List.of("", "[1]", "{\"timestamp\":\"soon\"}", "{\"meta\":{}}", "{\"timestamp\":86400}")) {
      assertThrows(InvalidEventException.class, () -> RecentChangeParser.eventTimeOf(bad.getBytes(StandardCharsets.UTF_8)), bad);
    }
  }
}
