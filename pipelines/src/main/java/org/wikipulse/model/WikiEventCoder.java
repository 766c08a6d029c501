package org.wikipulse.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;
import org.joda.time.Instant;

/**
 * The speed layer's coder for {@link WikiEvent}: one length-prefixed block holding a bit mask (the
 * null fields and the flags), then the fields in declaration order, strings as their UTF-8 length
 * and bytes, numbers as var-ints. It replaces the schema coder on the events' hand-overs
 * (de-duplication, the JDBC batches, the lake's file shards), where Flink encodes and decodes every
 * event: the schema coder builds a {@code Row} for each event on both sides, this writes the fields
 * straight.
 *
 * <p>The schema stays the model's contract (Parquet columns, the batch layer); {@code
 * WikiEventCoderTest} sets every field of the class by reflection and fails when a field is missing
 * here. A change of this format changes Flink's saved state: start the job once with {@code --fresh}.
 */
public final class WikiEventCoder extends AtomicCoder<WikiEvent> {
  private static final WikiEventCoder INSTANCE = new WikiEventCoder();

  // Bits of the null mask, one per nullable field.
  private static final int META_DT = 1;
  private static final int DOMAIN = 1 << 1;
  private static final int RC_ID = 1 << 2;
  private static final int NAMESPACE = 1 << 3;
  private static final int TITLE = 1 << 4;
  private static final int USER = 1 << 5;
  private static final int WIKI = 1 << 6;
  private static final int COMMENT = 1 << 7;
  private static final int REVISION_OLD = 1 << 8;
  private static final int REVISION_NEW = 1 << 9;
  private static final int LOG_TYPE = 1 << 10;
  private static final int LOG_ACTION = 1 << 11;
  // The three flags share the mask's next bits.
  private static final int IS_BOT = 1 << 12;
  private static final int IS_MINOR = 1 << 13;
  private static final int IS_NEW_PAGE = 1 << 14;

  private WikiEventCoder() {}

  public static WikiEventCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(WikiEvent e, OutputStream out) throws IOException {
    if (e == null) {
      throw new CoderException("cannot encode a null WikiEvent");
    }
    int mask =
        bit(e.metaDt == null, META_DT)
            | bit(e.domain == null, DOMAIN)
            | bit(e.rcId == null, RC_ID)
            | bit(e.namespace == null, NAMESPACE)
            | bit(e.title == null, TITLE)
            | bit(e.user == null, USER)
            | bit(e.wiki == null, WIKI)
            | bit(e.comment == null, COMMENT)
            | bit(e.revisionOld == null, REVISION_OLD)
            | bit(e.revisionNew == null, REVISION_NEW)
            | bit(e.logType == null, LOG_TYPE)
            | bit(e.logAction == null, LOG_ACTION)
            | bit(e.isBot, IS_BOT)
            | bit(e.isMinor, IS_MINOR)
            | bit(e.isNewPage, IS_NEW_PAGE);
    Writer w = new Writer();
    w.varLong(mask);
    w.string(required(e.eventId, "event_id"));
    w.varLong(required(e.eventTime, "event_time").getMillis());
    w.string(e.metaDt);
    w.string(e.domain);
    w.string(required(e.type, "type"));
    w.varLong(e.rcId);
    w.varLong(e.namespace == null ? null : e.namespace.longValue());
    w.string(e.title);
    w.string(e.user);
    w.string(required(e.serverName, "server_name"));
    w.string(e.wiki);
    w.string(e.comment);
    w.string(required(e.language, "language"));
    w.string(required(e.project, "project"));
    w.varLong(e.lengthDiff);
    w.varLong(e.bytesChanged);
    w.varLong(e.revisionOld);
    w.varLong(e.revisionNew);
    w.string(e.logType);
    w.string(e.logAction);
    // One length-prefixed block: a single write, where field-by-field writes through Flink's
    // output view cost more than the encoding itself.
    VarInt.encode(w.size, out);
    out.write(w.bytes, 0, w.size);
  }

  @Override
  public WikiEvent decode(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    if (length < 0) {
      throw new CoderException("a WikiEvent cannot be " + length + " bytes long");
    }
    byte[] block = new byte[length];
    for (int read = 0; read < block.length; ) {
      int n = in.read(block, read, block.length - read);
      if (n < 0) {
        throw new CoderException("a WikiEvent ends after " + read + " of its " + block.length + " bytes");
      }
      read += n;
    }
    Reader r = new Reader(block);
    int mask = (int) r.varLong();
    WikiEvent e = new WikiEvent();
    e.eventId = r.string();
    e.eventTime = new Instant(r.varLong());
    e.metaDt = r.string(mask, META_DT);
    e.domain = r.string(mask, DOMAIN);
    e.type = r.string();
    e.rcId = (mask & RC_ID) != 0 ? null : r.varLong();
    e.namespace = (mask & NAMESPACE) != 0 ? null : (int) r.varLong();
    e.title = r.string(mask, TITLE);
    e.user = r.string(mask, USER);
    e.serverName = r.string();
    e.wiki = r.string(mask, WIKI);
    e.comment = r.string(mask, COMMENT);
    e.language = r.string();
    e.project = r.string();
    e.isBot = (mask & IS_BOT) != 0;
    e.isMinor = (mask & IS_MINOR) != 0;
    e.isNewPage = (mask & IS_NEW_PAGE) != 0;
    e.lengthDiff = r.varLong();
    e.bytesChanged = r.varLong();
    e.revisionOld = (mask & REVISION_OLD) != 0 ? null : r.varLong();
    e.revisionNew = (mask & REVISION_NEW) != 0 ? null : r.varLong();
    e.logType = r.string(mask, LOG_TYPE);
    e.logAction = r.string(mask, LOG_ACTION);
    if (r.pos != block.length) {
      throw new CoderException("a WikiEvent of " + block.length + " bytes has " + (block.length - r.pos) + " left over");
    }
    return e;
  }

  @Override
  public void verifyDeterministic() {
    // The same event always encodes to the same bytes.
  }

  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  @Override
  public List<? extends org.apache.beam.sdk.coders.Coder<?>> getCoderArguments() {
    return List.of();
  }

  private static int bit(boolean set, int bit) {
    return set ? bit : 0;
  }

  private static <T> T required(@Nullable T value, String field) throws CoderException {
    if (value == null) {
      throw new CoderException("WikiEvent." + field + " is null; the parser never builds such an event");
    }
    return value;
  }

  /** A growing byte array: var-ints as Beam's {@link VarInt} writes them, strings as UTF-8 with their length. */
  private static final class Writer {
    byte[] bytes = new byte[512];
    int size;

    void varLong(@Nullable Long value) {
      if (value != null) {
        varLong(value.longValue());
      }
    }

    void varLong(long value) {
      room(10);
      long v = value;
      while ((v & ~0x7FL) != 0) {
        bytes[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[size++] = (byte) v;
    }

    void string(@Nullable String value) {
      if (value == null) {
        return;
      }
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      varLong(utf8.length);
      room(utf8.length);
      System.arraycopy(utf8, 0, bytes, size, utf8.length);
      size += utf8.length;
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }

  /** Reads what {@link Writer} wrote; running past the end is a {@link CoderException}. */
  private static final class Reader {
    private final byte[] bytes;
    int pos;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    long varLong() throws CoderException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= bytes.length) {
          throw new CoderException("a WikiEvent ends inside a number");
        }
        byte b = bytes[pos++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new CoderException("a WikiEvent holds a number of more than 64 bits");
    }

    String string() throws CoderException {
      long length = varLong();
      if (length < 0 || length > bytes.length - pos) {
        throw new CoderException("a WikiEvent ends inside a string of " + length + " bytes");
      }
      String s = new String(bytes, pos, (int) length, StandardCharsets.UTF_8);
      pos += (int) length;
      return s;
    }

    @Nullable
    String string(int mask, int bit) throws CoderException {
      return (mask & bit) != 0 ? null : string();
    }
  }
}
