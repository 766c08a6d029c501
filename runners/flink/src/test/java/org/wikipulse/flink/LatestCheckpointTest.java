package org.wikipulse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which retained checkpoint a local restart resumes from, in folders laid out as Flink writes them. */
class LatestCheckpointTest {
  private static final String JOB_A = "0123456789abcdef0123456789abcdef";
  private static final String JOB_B = "fedcba9876543210fedcba9876543210";
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @TempDir Path root;

  /** A checkpoint folder; with metadata written at {@code T0 + second}, or none if {@code second < 0}. */
  private Path checkpoint(String job, int n, int second) throws Exception {
    Path chk = Files.createDirectories(root.resolve(job).resolve("chk-" + n));
    if (second >= 0) {
      Path metadata = Files.writeString(chk.resolve(LatestCheckpoint.METADATA), "m");
      Files.setLastModifiedTime(metadata, FileTime.from(T0.plusSeconds(second)));
    }
    return chk.toAbsolutePath();
  }

  @Test
  void noFolderOrNoCheckpointMeansStartFresh() throws Exception {
    assertEquals(Optional.empty(), LatestCheckpoint.find(root.resolve("missing")));
    Files.createDirectories(root.resolve(JOB_A).resolve("shared"));
    Files.createDirectories(root.resolve(JOB_A).resolve("taskowned"));
    assertEquals(Optional.empty(), LatestCheckpoint.find(root));
  }

  @Test
  void aHalfWrittenCheckpointWithoutMetadataIsSkipped() throws Exception {
    Path complete = checkpoint(JOB_A, 6, 10);
    checkpoint(JOB_A, 7, -1); // SIGKILL while chk-7 was being written
    assertEquals(Optional.of(complete), LatestCheckpoint.find(root));
  }

  @Test
  void theNewestJobFolderWinsEvenWithALowerCheckpointNumber() throws Exception {
    checkpoint(JOB_A, 42, 10);
    Path newer = checkpoint(JOB_B, 3, 20); // a later run started with --fresh: numbering restarts
    assertEquals(Optional.of(newer), LatestCheckpoint.find(root));
  }

  @Test
  void anOlderJobWinsWhenTheNewerOneNeverCompletedACheckpoint() throws Exception {
    Path older = checkpoint(JOB_A, 5, 10);
    checkpoint(JOB_B, 6, -1);
    assertEquals(Optional.of(older), LatestCheckpoint.find(root));
  }

  @Test
  void foldersThatAreNotCheckpointsAreIgnored() throws Exception {
    Path real = checkpoint(JOB_A, 1, 10);
    Files.createDirectories(root.resolve(JOB_A).resolve("shared"));
    Files.writeString(Files.createDirectories(root.resolve(JOB_A).resolve("savepoint-x")).resolve("_metadata"), "m");
    Files.writeString(root.resolve("notes.txt"), "x");
    assertEquals(Optional.of(real), LatestCheckpoint.find(root));
  }

  @Test
  void pruningDeletesOnlyOlderJobFoldersNamedLikeJobIds() throws Exception {
    Path oldJob = checkpoint(JOB_A, 9, 10).getParent();
    Files.setLastModifiedTime(oldJob, FileTime.from(T0));
    Path keep = checkpoint(JOB_B, 10, 20);
    Path foreign = Files.createDirectories(root.resolve("keep-me"));
    Files.setLastModifiedTime(foreign, FileTime.from(T0));

    List<Path> pruned = LatestCheckpoint.pruneOlderJobs(root, keep);

    assertEquals(List.of(oldJob), pruned.stream().map(Path::toAbsolutePath).toList());
    assertFalse(Files.exists(oldJob));
    assertTrue(Files.exists(keep.resolve(LatestCheckpoint.METADATA)));
    assertTrue(Files.exists(foreign));
  }

  @Test
  void pruningKeepsAJobFolderNewerThanTheRestoredCheckpoint() throws Exception {
    Path keep = checkpoint(JOB_A, 4, 10);
    Path newer = Files.createDirectories(root.resolve(JOB_B).resolve("shared")).getParent();
    Files.setLastModifiedTime(newer, FileTime.from(T0.plusSeconds(30))); // a run that crashed before its first checkpoint
    assertEquals(List.of(), LatestCheckpoint.pruneOlderJobs(root, keep));
    assertTrue(Files.exists(newer));
  }
}
