package org.wikipulse.services;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * Used by {@code ./wikipulse services up} before starting S3Proxy: its {@code filesystem} backend keeps
 * object metadata (content type, ETag, user metadata) in user extended attributes, so the folder that
 * holds the buckets must be on a file system that supports them (ext4, xfs, btrfs do; some overlay,
 * tmpfs, NFS or FAT mounts do not).
 *
 * <p>Usage: {@code XattrCheck DIR}. Writes and reads back a user xattr on a temporary file in DIR,
 * then deletes it. Exit code 0 when it works, 1 (with the reason on stderr) when it does not.
 */
public final class XattrCheck {

  private XattrCheck() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: XattrCheck DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Path probe = null;
    try {
      probe = Files.createTempFile(dir, ".xattr-check", ".tmp");
      UserDefinedFileAttributeView view =
          Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
      if (view == null) {
        fail(dir, "this file system offers no user-defined attribute view");
      }
      byte[] value = "ok".getBytes(StandardCharsets.UTF_8);
      view.write("wikipulse.check", ByteBuffer.wrap(value));
      ByteBuffer read = ByteBuffer.allocate(16);
      view.read("wikipulse.check", read);
      if (read.position() != value.length) {
        fail(dir, "the attribute written could not be read back");
      }
    } catch (IOException | UnsupportedOperationException e) {
      fail(dir, e.toString());
    } finally {
      if (probe != null) {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  private static void fail(Path dir, String why) {
    System.err.println(dir + " does not support user extended attributes (" + why + ")");
    System.exit(1);
  }
}
