package org.wikipulse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter validation and the filter SQL of real-time requests. */
class RealtimeQueryTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:30Z");

  private static RealtimeQuery parse(Map<String, String> params) {
    return RealtimeQuery.parse(params::get, params.keySet(), NOW, 12, 500);
  }

  @Test
  void defaultsAreThirtyMinutesNoFiltersAndTheEndpointsLimit() {
    RealtimeQuery q = parse(Map.of());
    assertEquals(30, q.windowMinutes());
    assertEquals(Instant.parse("2026-11-29T11:31:00Z"), q.firstMinute());
    assertEquals(Instant.parse("2026-11-29T12:00:00Z"), q.lastMinute());
    assertEquals("", q.filterSql());
    assertEquals(12, q.limit());
  }

  @Test
  void everyFilterBecomesABindParameterInOneOrder() {
    RealtimeQuery q =
        parse(Map.of("window", "24H", "server", "EN.wikipedia.org", "bot", "human", "namespace", "14", "type", "New", "limit", "3"));
    assertEquals(1440, q.windowMinutes());
    assertEquals(" AND server_name = ? AND is_bot = ? AND namespace = ? AND type = ?", q.filterSql());
    assertEquals(List.of("en.wikipedia.org", false, 14, "new"), q.filterParams());
    assertEquals(3, q.limit());
    assertEquals("", parse(Map.of("server", "all", "bot", "all", "namespace", "all", "type", "all")).filterSql());
  }

  @Test
  void badValuesAreRejectedWithTheParameterNamed() {
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("window", "4m"))).getMessage().startsWith("window"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("window", "1441m"))).getMessage().startsWith("window"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("limit", "501"))).getMessage().startsWith("limit"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("namespace", "1e3"))).getMessage().startsWith("namespace"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("server", "en wiki"))).getMessage().startsWith("server"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("bot", "yes"))).getMessage().startsWith("bot"));
    assertTrue(assertThrows(BadRequest.class, () -> parse(Map.of("type", "categorize"))).getMessage().startsWith("type"));
    BadRequest unknown = assertThrows(BadRequest.class, () -> parse(Map.of("x".repeat(500), "1")));
    assertTrue(unknown.getMessage().length() < 200, unknown.getMessage());
  }
}
