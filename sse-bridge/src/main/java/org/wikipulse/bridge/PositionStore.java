package org.wikipulse.bridge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's resume position for one SSE source: the id of the last event whose Kafka send was
 * acknowledged, kept in a small text file so a restarted bridge continues where it stopped. Writes are
 * atomic (a temporary file in the same folder, then a move) and happen only when the position changed,
 * at most every {@link #MIN_INTERVAL_MS} ms unless forced. Opening the store takes an exclusive lock on
 * {@code <position file>.lock}, held until {@link #close()}, so two bridges never read the same source.
 *
 * <p>Reads: the position file. Writes: the position file, its temporary sibling and the lock file.
 */
public final class PositionStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PositionStore.class);

  /** Throttle for position writes. */
  public static final long MIN_INTERVAL_MS = 200;

  private final Path file;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private String saved;
  private long lastWriteNanos;

  private PositionStore(Path file, Path lockFile, FileChannel lockChannel, FileLock lock, String saved) {
    this.file = file;
    this.lockFile = lockFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.saved = saved;
  }

  /** The default position file of {@code sourceUrl}: {@code <dataDir>/bridge/position-<hash>.txt}. */
  public static Path defaultFile(Path dataDir, String sourceUrl) {
    return dataDir.resolve("bridge").resolve("position-" + shortHash(sourceUrl) + ".txt");
  }

  /** The first 12 hex digits of the SHA-256 of {@code text}. */
  static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Locks and opens the position file {@code file} (which need not exist yet). Throws {@link
   * BridgeException} when another process (or this one) holds the lock.
   */
  public static PositionStore open(Path file, String sourceDescription) {
    Path absolute = file.toAbsolutePath();
    Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(absolute.getParent());
      channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new BridgeException(
            "another bridge is already running for "
                + sourceDescription
                + " (lock "
                + lockFile
                + " is held); stop it first — two connections to one source would publish events twice");
      }
      String saved = read(absolute);
      return new PositionStore(absolute, lockFile, channel, lock, saved);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new BridgeException("cannot open position file " + absolute + ": " + e, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static String read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.isEmpty() ? null : text;
  }

  /** The saved position, if any. */
  public synchronized Optional<String> position() {
    return Optional.ofNullable(saved);
  }

  /** Saves {@code position} when it changed and the last write is at least 200 ms old. */
  public synchronized void saveThrottled(Optional<String> position) {
    if (System.nanoTime() - lastWriteNanos >= MIN_INTERVAL_MS * 1_000_000L) {
      save(position);
    }
  }

  /** Saves {@code position} now when it changed. Failures are logged: a stale file means replays. */
  public synchronized void save(Optional<String> position) {
    if (position.isEmpty() || Objects.equals(position.get(), saved)) {
      return;
    }
    String value = position.get();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      saved = value;
      lastWriteNanos = System.nanoTime();
    } catch (IOException e) {
      LOG.error("Cannot write position file {}: {}", file, e.toString());
    }
  }

  public Path file() {
    return file;
  }

  /** Releases the lock (the position itself is saved by the caller). */
  @Override
  public synchronized void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("Cannot release lock {}: {}", lockFile, e.toString());
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("closing {}", channel, e);
      }
    }
  }
}
