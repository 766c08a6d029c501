package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Key and event time extraction: only a complete JSON object with a string server_name has a key. */
class PayloadInfoTest {

  private static PayloadInfo of(String json) {
    return PayloadInfo.of(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsServerNameAndMetaDt() {
    PayloadInfo info =
        of("{\"meta\": {\"dt\": \"2025-05-03T07:46:19Z\"}, \"server_name\": \"commons.wikimedia.org\"}");
    assertEquals("commons.wikimedia.org", info.serverName());
    assertEquals("commons.wikimedia.org", new String(info.key(), StandardCharsets.UTF_8));
    assertEquals("2025-05-03T07:46:19Z", info.eventTime());
  }

  @Test
  void unreadablePayloadsHaveNoKey() {
    for (String payload :
        new String[] {
          "not json at all",
          "{\"server_name\": \"truncated.example\"",
          "{\"server_name\": \"x\"} trailing",
          "{\"server_name\": 42}",
          "{\"server_name\": null}",
          "{\"meta\": {\"dt\": \"2025-01-01T00:00:00Z\"}}",
          "[\"server_name\", \"x\"]",
          "\"just a string\"",
          "   "
        }) {
      assertNull(of(payload).key(), payload);
    }
  }

  @Test
  void eventTimeIsOptional() {
    PayloadInfo info = of("{\"server_name\": \"en.wikipedia.org\", \"meta\": {\"dt\": 5}}");
    assertEquals("en.wikipedia.org", info.serverName());
    assertNull(info.eventTime());
  }

  @Test
  void invalidUtf8HasNoKey() {
    byte[] bytes = {'{', '"', 's', '"', ':', '"', (byte) 0xff, '"', '}'};
    assertNull(PayloadInfo.of(bytes).key());
  }

  @Test
  void onlyTopLevelNamesCountAndTheLastRepeatWins() {
    PayloadInfo info =
        of("{\"log_params\": {\"server_name\": \"nested.example\", \"dt\": \"x\"}, \"server_name\": \"a\","
            + " \"meta\": {\"dt\": \"2025-01-01T00:00:00Z\", \"more\": [{\"dt\": 1}]}, \"server_name\": \"b\"}");
    assertEquals("b", info.serverName());
    assertEquals("2025-01-01T00:00:00Z", info.eventTime());
    assertNull(of("{\"server_name\": \"a\", \"server_name\": 1}").key());
    assertNull(of("{\"server_name\": \"a\", \"x\": [1, }").key());
    assertNull(of("{\"server_name\": \"a\"} {}").key());
  }
}
