package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line splitting (raw bytes, LF or CRLF, last line without LF) and gzip detection by magic bytes. */
class FileReplaySourceTest {

  @TempDir Path dir;

  private static List<String> lines(InputStream in) throws IOException {
    FileReplaySource.LineReader reader = new FileReplaySource.LineReader(in);
    List<String> out = new ArrayList<>();
    byte[] line;
    while ((line = reader.next()) != null) {
      out.add(new String(line, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void splitsLinesKeepingBytesExactly() throws IOException {
    byte[] text = "a\r\n\nb c \n\r\nlast".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of("a", "", "b c ", "", "last"), lines(new ByteArrayInputStream(text)));
    assertEquals(List.of(), lines(new ByteArrayInputStream(new byte[0])));
  }

  @Test
  void handlesLinesLongerThanTheBuffer() throws IOException {
    String longLine = "x".repeat(200_000);
    FileReplaySource.LineReader reader =
        new FileReplaySource.LineReader(
            new ByteArrayInputStream((longLine + "\nshort\n").getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals(longLine.getBytes(StandardCharsets.UTF_8), reader.next());
    assertArrayEquals("short".getBytes(StandardCharsets.UTF_8), reader.next());
    assertNull(reader.next());
  }

  @Test
  void detectsGzipByContentNotName() throws IOException {
    Path gzipNamedPlain = dir.resolve("events.ndjson");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipNamedPlain))) {
      out.write("{\"a\":1}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8));
    }
    Path plainNamedGzip = dir.resolve("events.ndjson.gz");
    Files.writeString(plainNamedGzip, "{\"c\":3}\n");
    try (InputStream in = FileReplaySource.open(gzipNamedPlain)) {
      assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), lines(in));
    }
    try (InputStream in = FileReplaySource.open(plainNamedGzip)) {
      assertEquals(List.of("{\"c\":3}"), lines(in));
    }
  }
}
