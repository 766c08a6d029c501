package org.wikipulse.bridge;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real recorded recentchange events in {@code /work/shared/data/recentchange} (read in place, never
 * copied into the project). The folder is {@code ../../shared/data/recentchange} from the module, or the
 * system property {@code wikipulse.recentchange.dir}, or the environment variable {@code
 * WIKIPULSE_RECENTCHANGE_DIR}.
 *
 * <p>Reads: the {@code .ndjson.gz} files. Writes: nothing.
 */
final class RecordedEvents {

  static final String EDITGROUPS = "Wikidata-editgroups.ndjson.gz";
  static final String DATAPLUMBHUB = "arvindp25-DataPlumbHub.ndjson.gz";
  static final String VISAALPATHAK = "VisaalPathak-Wikimedia-Streaming-kafka.ndjson.gz";
  static final String SAT99496 = "Sat99496-wikistream-lakehouse.ndjson.gz";

  private RecordedEvents() {}

  static Path dir() {
    String configured = System.getProperty("wikipulse.recentchange.dir");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("WIKIPULSE_RECENTCHANGE_DIR");
    }
    Path dir =
        Path.of(configured == null || configured.isBlank() ? "../../shared/data/recentchange" : configured)
            .toAbsolutePath()
            .normalize();
    if (!Files.isDirectory(dir)) {
      fail(
          "recorded events not found at "
              + dir
              + " (set -Dwikipulse.recentchange.dir or WIKIPULSE_RECENTCHANGE_DIR)");
    }
    return dir;
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  /** The non-blank lines of a recorded file, as text (the files are UTF-8 JSON). */
  /**
   * The 322 real events of three small recordings (all of DataPlumbHub, VisaalPathak, Sat99496), in
   * that order, all distinct: the source the SSE fault tests replay.
   */
  static List<String> threeRecordings() throws IOException {
    List<String> payloads = new ArrayList<>();
    payloads.addAll(lines(DATAPLUMBHUB));
    payloads.addAll(lines(VISAALPATHAK));
    payloads.addAll(lines(SAT99496));
    if (payloads.size() != 144 + 128 + 50) {
      fail("expected 322 events in the three recordings, found " + payloads.size());
    }
    return payloads;
  }

  static List<String> lines(String name) throws IOException {
    List<String> out = new ArrayList<>();
    try (InputStream in = FileReplaySource.open(file(name))) {
      FileReplaySource.LineReader reader = new FileReplaySource.LineReader(in);
      byte[] line;
      while ((line = reader.next()) != null) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (!text.isBlank()) {
          out.add(text);
        }
      }
    }
    return out;
  }
}
