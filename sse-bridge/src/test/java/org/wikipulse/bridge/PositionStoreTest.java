package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The position file: round trip, atomic replacement, throttling and the one-bridge-per-source lock. */
class PositionStoreTest {

  @TempDir Path dir;

  @Test
  void savesAndReloadsThePosition() {
    Path file = dir.resolve("sub/position.txt");
    String wikimediaId = "[{\"topic\":\"eqiad.mediawiki.recentchange\",\"partition\":0,\"timestamp\":1746258379001}]";
    try (PositionStore store = PositionStore.open(file, "src")) {
      assertEquals(Optional.empty(), store.position());
      store.save(Optional.of(wikimediaId));
    }
    try (PositionStore store = PositionStore.open(file, "src")) {
      assertEquals(Optional.of(wikimediaId), store.position());
    }
    assertTrue(Files.exists(dir.resolve("sub/position.txt.lock")));
    assertTrue(!Files.exists(dir.resolve("sub/position.txt.tmp")), "temporary file left behind");
  }

  @Test
  void throttlesWritesButAlwaysWritesWhenAsked() throws Exception {
    Path file = dir.resolve("position.txt");
    try (PositionStore store = PositionStore.open(file, "src")) {
      store.saveThrottled(Optional.of("1"));
      store.saveThrottled(Optional.of("2")); // within 200 ms of the first write: skipped
      assertEquals("1\n", Files.readString(file, StandardCharsets.UTF_8));
      Thread.sleep(PositionStore.MIN_INTERVAL_MS + 20);
      store.saveThrottled(Optional.of("3"));
      assertEquals("3\n", Files.readString(file, StandardCharsets.UTF_8));
      store.save(Optional.of("4"));
      assertEquals("4\n", Files.readString(file, StandardCharsets.UTF_8));
      store.save(Optional.empty()); // nothing known: keep what is there
      assertEquals("4\n", Files.readString(file, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aSecondStoreForTheSameFileIsRefused() {
    Path file = dir.resolve("position.txt");
    try (PositionStore first = PositionStore.open(file, "https://example.org/stream")) {
      BridgeException e =
          assertThrows(BridgeException.class, () -> PositionStore.open(file, "https://example.org/stream"));
      assertTrue(e.getMessage().contains("another bridge is already running for https://example.org/stream"), e.getMessage());
    }
    // Released on close: opening again works.
    PositionStore.open(file, "src").close();
  }
}
