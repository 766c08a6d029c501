package org.wikipulse.bridge;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a recorded NDJSON file (one event per line; plain or gzip, told apart by the gzip magic bytes,
 * not the name) through {@link KafkaEventPublisher}: each non-blank line, minus its line ending, is one
 * payload, byte for byte. Optionally paced ({@code --rate}: event {@code n} is sent no earlier than
 * {@code n / rate} s after the first) and limited ({@code --limit}). Finishes by flushing, so when {@link
 * #run()} returns every event read is acknowledged.
 *
 * <p>With {@code --loop} it starts the file again when it ends, until stopped or the limit, and every
 * event goes through {@link ReplayRewriter}: a fresh {@code meta.id} and the send time as its time, so
 * the pipelines' de-duplication keeps the repeats and the real-time views show them as current.
 *
 * <p>Reads: the file. Writes: payloads to the sink (Kafka in the bridge).
 */
public final class FileReplaySource {

  private static final Logger LOG = LoggerFactory.getLogger(FileReplaySource.class);

  private final Path file;
  private final double rate;
  private final long limit;
  private final ReplayRewriter rewriter;
  private final PayloadSink publisher;
  private final StopSignal stop;
  private long read;
  private long blank;
  private long passes;

  /** A replay of {@code file}; {@code loop} starts it again at its end, rewriting ids and times. */
  public FileReplaySource(
      Path file, double rate, long limit, boolean loop, PayloadSink publisher, StopSignal stop) {
    this.file = file;
    this.rate = rate;
    this.limit = limit;
    this.rewriter = loop ? new ReplayRewriter() : null;
    this.publisher = publisher;
    this.stop = stop;
  }

  /** Passes started over the file (1 without {@code --loop}). */
  public long passes() {
    return passes;
  }

  /** Non-blank lines read (each handed to Kafka). */
  public long read() {
    return read;
  }

  /** Blank lines skipped. */
  public long blank() {
    return blank;
  }

  /** Replays the file; throws {@link BridgeException} when it cannot be read or a send failed. */
  public void run() {
    if (!Files.isRegularFile(file)) {
      throw new BridgeException("no such file: " + file.toAbsolutePath());
    }
    LOG.info(
        "Replaying {} ({}{}{})",
        file,
        rate > 0 ? rate + " events/s" : "unpaced",
        limit > 0 ? ", at most " + limit + " events" : "",
        rewriter != null ? ", looping with fresh ids and times" : "");
    long start = System.nanoTime();
    boolean more = true;
    while (more) {
      long readBefore = read;
      passes++;
      if (passes == 2 || (passes > 2 && passes % 10 == 0)) {
        LOG.info("Reached the end of {} after {} events: starting pass {}", file, read, passes);
      }
      more = replayOnce(start) && rewriter != null;
      if (more && read == readBefore) {
        publisher.flush();
        throw new BridgeException("cannot loop over " + file + ": it holds no events");
      }
    }
    publisher.flush();
  }

  /** One pass over the file; returns true when it reached the end (not stopped, not limited). */
  private boolean replayOnce(long start) {
    try (InputStream in = open(file)) {
      LineReader lines = new LineReader(in);
      byte[] line;
      while (true) {
        if (stop.isStopping() || (limit > 0 && read >= limit)) {
          return false;
        }
        if ((line = lines.next()) == null) {
          return true;
        }
        if (isBlank(line)) {
          blank++;
          continue;
        }
        if (rate > 0) {
          long due = start + (long) (read * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0 && stop.sleep(Duration.ofNanos(wait))) {
            return false;
          }
        }
        publisher.publish(rewriter == null ? line : rewriter.rewrite(line, Instant.now()));
        read++;
      }
    } catch (IOException e) {
      publisher.flush();
      throw new BridgeException("cannot read " + file + " after " + read + " events: " + e, e);
    }
  }

  /** Opens {@code file}, unzipping it when it starts with the gzip magic bytes 1f 8b. */
  static InputStream open(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) {
      return new GZIPInputStream(in, 1 << 16);
    }
    return in;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\f') {
        return false;
      }
    }
    return true;
  }

  /** Splits a stream into lines of raw bytes at LF, dropping the LF and a CR before it. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int end;
    private boolean eof;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** The next line, or null at the end; a last line without LF counts. */
    byte[] next() throws IOException {
      ByteArrayOutputStream partial = null;
      while (true) {
        if (pos == end) {
          if (eof) {
            return partial == null || partial.size() == 0 ? null : strip(partial.toByteArray());
          }
          end = in.read(buffer, 0, buffer.length);
          pos = 0;
          if (end < 0) {
            end = 0;
            eof = true;
            continue;
          }
        }
        for (int i = pos; i < end; i++) {
          if (buffer[i] == '\n') {
            byte[] line;
            if (partial == null) {
              line = Arrays.copyOfRange(buffer, pos, i);
            } else {
              partial.write(buffer, pos, i - pos);
              line = partial.toByteArray();
            }
            pos = i + 1;
            return strip(line);
          }
        }
        if (partial == null) {
          partial = new ByteArrayOutputStream(Math.max(256, (end - pos) * 2));
        }
        partial.write(buffer, pos, end - pos);
        pos = end;
      }
    }

    private static byte[] strip(byte[] line) {
      return line.length > 0 && line[line.length - 1] == '\r'
          ? Arrays.copyOf(line, line.length - 1)
          : line;
    }
  }
}
