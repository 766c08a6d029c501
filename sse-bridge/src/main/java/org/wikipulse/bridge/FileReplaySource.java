package org.wikipulse.bridge;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>Reads: the file. Writes: Kafka records (through the publisher).
 */
public final class FileReplaySource {

  private static final Logger LOG = LoggerFactory.getLogger(FileReplaySource.class);

  private final Path file;
  private final double rate;
  private final long limit;
  private final KafkaEventPublisher publisher;
  private final StopSignal stop;
  private long read;
  private long blank;

  public FileReplaySource(
      Path file, double rate, long limit, KafkaEventPublisher publisher, StopSignal stop) {
    this.file = file;
    this.rate = rate;
    this.limit = limit;
    this.publisher = publisher;
    this.stop = stop;
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
        "Replaying {} ({}{})",
        file,
        rate > 0 ? rate + " events/s" : "unpaced",
        limit > 0 ? ", at most " + limit + " events" : "");
    long start = System.nanoTime();
    try (InputStream in = open(file)) {
      LineReader lines = new LineReader(in);
      byte[] line;
      while (!stop.isStopping() && (limit == 0 || read < limit) && (line = lines.next()) != null) {
        if (isBlank(line)) {
          blank++;
          continue;
        }
        if (rate > 0) {
          long due = start + (long) (read * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0 && stop.sleep(Duration.ofNanos(wait))) {
            break;
          }
        }
        publisher.publish(line, null);
        read++;
      }
    } catch (IOException e) {
      publisher.flush();
      throw new BridgeException("cannot read " + file + " after " + read + " events: " + e, e);
    }
    publisher.flush();
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
