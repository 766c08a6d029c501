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
}
