package org.wikipulse.lake;

import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.joda.time.format.DateTimeFormat;
import org.joda.time.format.DateTimeFormatter;

/**
 * Names lake files {@code <partition>/events-<windowStart>-<run>-<pane>-<shard>-of-<n>.parquet},
 * with the window start as {@code yyyyMMdd'T'HHmmss'Z'} (no colons, which Hadoop and Spark paths
 * reject) and a token unique to each pipeline launch, so two runs in the same minute never
 * overwrite each other's files.
 */
public class LakeFileNaming implements FileIO.Write.FileNaming {
  private static final DateTimeFormatter WINDOW =
      DateTimeFormat.forPattern("yyyyMMdd'T'HHmmss'Z'").withZoneUTC();
  private final String partition;
  private final String run;

  public LakeFileNaming(String partition, String run) {
    this.partition = partition;
    this.run = run;
  }

  @Override
  public String getFilename(
      BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
    String when =
        window instanceof IntervalWindow w
            ? WINDOW.print(w.start())
            : window instanceof GlobalWindow ? "global" : window.toString();
    return String.format(
        "%s/events-%s-%s-%d-%05d-of-%05d.parquet",
        partition, when, run, pane.getIndex(), shardIndex, numShards);
  }
}
