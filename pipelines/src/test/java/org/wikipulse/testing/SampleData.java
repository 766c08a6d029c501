package org.wikipulse.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real recorded recentchange events in {@code ../shared/data/recentchange} (other people's
 * recordings: read in place, never copied into the project). Override the folder with the system
 * property or environment variable {@code WIKIPULSE_SAMPLE_DIR}.
 */
public final class SampleData {
  public static final String SAT99496 = "Sat99496-wikistream-lakehouse.ndjson.gz";
  public static final String VISAAL = "VisaalPathak-Wikimedia-Streaming-kafka.ndjson.gz";
  public static final String EDITGROUPS = "Wikidata-editgroups.ndjson.gz";
  public static final String DATAPLUMBHUB = "arvindp25-DataPlumbHub.ndjson.gz";
  public static final List<String> FILES = List.of(SAT99496, VISAAL, EDITGROUPS, DATAPLUMBHUB);

  private SampleData() {}

  public static Path dir() {
    String override = System.getProperty("WIKIPULSE_SAMPLE_DIR", System.getenv("WIKIPULSE_SAMPLE_DIR"));
    Path dir = override != null ? Path.of(override) : besideTheRepository();
    dir = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "sample events not found at " + dir + ": the tests read ../shared/data/recentchange "
              + "beside the repository, or set WIKIPULSE_SAMPLE_DIR");
    }
    return dir;
  }

  /** The first {@code shared/data/recentchange} above the module (modules sit at different depths). */
  private static Path besideTheRepository() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared/data/recentchange");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return start.resolve("../../shared/data/recentchange");
  }

  public static Path file(String name) {
    return dir().resolve(name);
  }

  /** Every non-blank line of one sample file. */
  public static List<String> lines(String name) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file(name))), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** Every line of every sample file, in {@link #FILES} order. */
  public static List<String> allLines() {
    List<String> all = new ArrayList<>();
    FILES.forEach(f -> all.addAll(lines(f)));
    return all;
  }
}
