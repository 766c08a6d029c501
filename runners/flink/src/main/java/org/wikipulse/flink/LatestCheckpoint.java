package org.wikipulse.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the checkpoint a local Flink job resumes from, in a checkpoint storage folder laid out as
 * Flink writes it: {@code <root>/<job id>/chk-<n>/_metadata} (each run is a new job id). Reads the
 * folder; {@link #pruneOlderJobs} deletes job folders the restore no longer needs.
 */
public final class LatestCheckpoint {
  /** Flink writes {@code _metadata} last: a folder without it (a SIGKILL mid-write) is no checkpoint. */
  static final String METADATA = "_metadata";

  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");
  private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

  private LatestCheckpoint() {}

  /**
   * The newest complete checkpoint under {@code root}: the {@code <job>/chk-<n>} folder whose
   * {@code _metadata} was written last (ties: the higher {@code n}); empty if there is none or
   * {@code root} does not exist. Checkpoint numbers alone do not order runs: a fresh run starts
   * again at 1.
   */
  public static Optional<Path> find(Path root) {
    return complete(root).stream()
        .max(Comparator.comparing(LatestCheckpoint::metadataTime).thenComparing(LatestCheckpoint::number))
        .map(Path::toAbsolutePath);
  }

  /**
   * Deletes the job folders under {@code root} older than the one holding {@code keep}: Flink keeps
   * a job's newest checkpoint only, but never deletes another run's folder, so without this every
   * restart leaves one behind. Only folders named like Flink job ids are touched. Returns them.
   */
  public static List<Path> pruneOlderJobs(Path root, Path keep) {
    Path keepJob = keep.toAbsolutePath().getParent();
    FileTime keepTime = metadataTime(keep);
    List<Path> pruned = new ArrayList<>();
    for (Path job : list(root)) {
      if (!Files.isDirectory(job)
          || !JOB_ID.matcher(job.getFileName().toString()).matches()
          || job.toAbsolutePath().equals(keepJob)
          || newestTime(job).compareTo(keepTime) >= 0) {
        continue;
      }
      deleteRecursively(job);
      pruned.add(job);
    }
    return pruned;
  }

  private static List<Path> complete(Path root) {
    List<Path> found = new ArrayList<>();
    for (Path job : list(root)) {
      if (Files.isDirectory(job)) {
        for (Path chk : list(job)) {
          if (CHECKPOINT.matcher(chk.getFileName().toString()).matches()
              && Files.isRegularFile(chk.resolve(METADATA))) {
            found.add(chk);
          }
        }
      }
    }
    return found;
  }

  /** The newest file time in a job folder: its own, or its newest checkpoint's metadata. */
  private static FileTime newestTime(Path job) {
    FileTime newest = lastModified(job);
    for (Path chk : list(job)) {
      if (Files.isRegularFile(chk.resolve(METADATA)) && metadataTime(chk).compareTo(newest) > 0) {
        newest = metadataTime(chk);
      }
    }
    return newest;
  }

  private static FileTime metadataTime(Path checkpoint) {
    return lastModified(checkpoint.resolve(METADATA));
  }

  private static long number(Path checkpoint) {
    Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
