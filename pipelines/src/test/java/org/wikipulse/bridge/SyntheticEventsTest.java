package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.wikipulse.model.DropReason;
import org.wikipulse.model.EditSeverity;
import org.wikipulse.model.RecentChangeParser;
import org.wikipulse.model.WikiEvent;

/**
 * The synthetic generator's events, read by the pipelines' own parser and rules: every one valid, ids
 * unique, stamped with the given time, and the mix (wikis, types, bots, namespaces, sizes, a head of
 * popular pages and busy users) that makes every chart of the dashboard show something.
 */
class SyntheticEventsTest {

  private static final Instant NOW = Instant.parse("2026-11-29T08:30:00.123Z");
  private static final int N = 20_000;

  private static List<WikiEvent> generate(long seed) throws Exception {
    SyntheticEvents generator = new SyntheticEvents(seed);
    List<WikiEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < N; i++) {
      events.add(RecentChangeParser.parse(generator.next(NOW.plusMillis(i * 28L))));
    }
    return events;
  }

  private static <K> Map<K, Integer> count(List<WikiEvent> events, Function<WikiEvent, K> key) {
    Map<K, Integer> counts = new HashMap<>();
    for (WikiEvent e : events) {
      counts.merge(key.apply(e), 1, Integer::sum);
    }
    return counts;
  }

  private static double share(Map<?, Integer> counts, Object key, int total) {
    return counts.getOrDefault(key, 0) / (double) total;
  }

  @Test
  void everyEventParsesWithAUniqueIdAndTheGivenTime() throws Exception {
    List<WikiEvent> events = generate(7);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < N; i++) {
      WikiEvent e = events.get(i);
      assertTrue(ids.add(e.eventId), "repeated id " + e.eventId);
      Instant sent = NOW.plusMillis(i * 28L);
      // timestamp has whole seconds, and takes precedence over meta.dt in the parser.
      assertEquals(sent.getEpochSecond() * 1000, e.eventTime.getMillis());
      assertEquals(sent.toString(), e.metaDt);
      assertEquals(e.serverName, e.domain);
    }
  }

  @Test
  void mixLooksLikeTheLiveFeed() throws Exception {
    List<WikiEvent> events = generate(7);

    Map<String, Integer> servers = count(events, e -> e.serverName);
    for (String server :
        List.of(
            "en.wikipedia.org", "de.wikipedia.org", "fr.wikipedia.org", "ja.wikipedia.org",
            "es.wikipedia.org", "ru.wikipedia.org", "it.wikipedia.org", "zh.wikipedia.org",
            "commons.wikimedia.org", "www.wikidata.org", "en.wiktionary.org")) {
      assertTrue(servers.getOrDefault(server, 0) > 50, server + ": " + servers.get(server));
    }
    assertTrue(share(servers, "www.wikidata.org", N) > 0.18, "wikidata share");
    assertTrue(share(servers, "en.wikipedia.org", N) > 0.15, "enwiki share");

    Map<String, Integer> types = count(events, e -> e.type);
    assertEquals(Set.of("edit", "new", "log", "categorize"), types.keySet());
    assertTrue(share(types, "edit", N) > 0.55 && share(types, "edit", N) < 0.7, "edits " + types);
    assertTrue(share(types, "new", N) > 0.03, "new pages " + types);
    assertTrue(share(types, "log", N) > 0.08, "logs " + types);

    double bots = events.stream().filter(e -> e.isBot).count() / (double) N;
    assertTrue(bots >= 0.2 && bots <= 0.3, "bot share " + bots);

    Map<Integer, Integer> namespaces = count(events, e -> e.namespace);
    for (int ns : List.of(0, 1, 2, 3, 4, 6, 10, 14, 118, 120)) {
      assertTrue(namespaces.getOrDefault(ns, 0) > 20, "namespace " + ns + ": " + namespaces);
    }

    List<WikiEvent> kept =
        events.stream().filter(e -> DropReason.of(e).isEmpty()).toList();
    double keptShare = kept.size() / (double) N;
    assertTrue(keptShare > 0.65 && keptShare < 0.85, "kept " + keptShare);
    List<WikiEvent> edits = kept.stream().filter(e -> e.type.equals("edit")).toList();
    Map<EditSeverity, Integer> severities = count(edits, e -> EditSeverity.of(e.bytesChanged));
    for (EditSeverity s : EditSeverity.values()) {
      assertTrue(share(severities, s, edits.size()) > 0.05, s + ": " + severities);
    }
    assertTrue(share(severities, EditSeverity.MINOR, edits.size()) > 0.5, "mostly minor " + severities);
    assertTrue(edits.stream().anyMatch(e -> e.bytesChanged > 20_000), "a heavy tail");
    assertTrue(edits.stream().anyMatch(e -> e.lengthDiff < 0), "removals");
    assertTrue(edits.stream().anyMatch(e -> e.isMinor) && edits.stream().anyMatch(e -> !e.isMinor));
  }

  @Test
  void popularPagesAndBusyUsersFormAHead() throws Exception {
    List<WikiEvent> kept =
        generate(7).stream().filter(e -> DropReason.of(e).isEmpty()).toList();
    Map<String, Integer> pages = count(kept, e -> e.serverName + " " + e.title);
    Map<String, Integer> users = count(kept, e -> e.user);
    List<Integer> topPages = pages.values().stream().sorted((a, b) -> b - a).limit(10).toList();
    // The tenth most edited page still has dozens of edits, while most pages have one.
    assertTrue(topPages.get(9) >= 20, "top pages " + topPages);
    long singles = pages.values().stream().filter(c -> c == 1).count();
    assertTrue(singles > pages.size() / 2, "a long tail of pages edited once");
    int topUser = users.values().stream().max(Integer::compare).orElse(0);
    assertTrue(topUser > kept.size() / 50, "the busiest user has " + topUser);
    assertTrue(users.size() > 300, "many users: " + users.size());
  }

  @Test
  void sameSeedSameEventsOtherSeedOtherEvents() {
    SyntheticEvents a = new SyntheticEvents(42);
    SyntheticEvents b = new SyntheticEvents(42);
    SyntheticEvents c = new SyntheticEvents(43);
    boolean differs = false;
    for (int i = 0; i < 500; i++) {
      Instant t = NOW.plusSeconds(i);
      byte[] x = a.next(t);
      assertArrayEquals(x, b.next(t));
      differs |= !java.util.Arrays.equals(x, c.next(t));
    }
    assertTrue(differs);
    assertFalse(
        java.util.Arrays.equals(new SyntheticEvents(1).next(NOW), new SyntheticEvents(2).next(NOW)));
  }
}
