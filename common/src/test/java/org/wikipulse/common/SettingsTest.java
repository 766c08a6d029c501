package org.wikipulse.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void unsetVariablesFallBackToTheDocumentedDefaults() {
    Settings s = Settings.of(Map.of());
    assertEquals("127.0.0.1:9092", s.kafkaBootstrap());
    assertEquals("wiki-raw-events", s.topic());
    assertEquals("jdbc:postgresql://127.0.0.1:5432/wikipulse", s.jdbcUrl());
    assertEquals("http://127.0.0.1:9000", s.s3Endpoint());
    assertEquals("s3://wikipulse-lake", s.lake());
    assertEquals(8080, s.httpPort());
    assertTrue(s.userAgentIsDefault());
  }

  @Test
  void setVariablesWinAndBlankCountsAsUnset() {
    Settings s =
        Settings.of(
            Map.of(
                Settings.KAFKA_BOOTSTRAP, "127.0.0.1:19092",
                Settings.TOPIC, "  ",
                Settings.HTTP_PORT, "9999"));
    assertEquals("127.0.0.1:19092", s.kafkaBootstrap());
    assertEquals("wiki-raw-events", s.topic());
    assertEquals(9999, s.httpPort());
  }

  @Test
  void aBadPortNamesTheVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Settings.of(Map.of(Settings.HTTP_PORT, "eighty")).httpPort());
    assertTrue(e.getMessage().contains("WIKIPULSE_HTTP_PORT"), e.getMessage());
  }
}
