package org.wikipulse.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.util.VarInt;
import org.joda.time.Instant;
import org.joda.time.ReadableInstant;
import org.wikipulse.model.WikiEvent;

/**
 * The part of a lake event the batch layer reads: the {@link #COLUMNS} that the range, the
 * de-duplication ({@link DeduplicateById#KEEP_ORDER}), the noise rules and the five views use. The
 * batch layer reads only these Parquet columns (title, comment and the rest are never decoded) into
 * {@link WikiEvent}s whose other fields stay null/0/false, and moves them between steps with the
 * compact {@link EventCoder} instead of the schema coder of the whole record.
 */
public final class BatchEvents {
  /** The lake columns the batch layer reads; a field a view starts using must be added here. */
  public static final List<String> COLUMNS =
      List.of(
          "event_id",
          "event_time",
          "domain",
          "type",
          "namespace",
          "user_name",
          "server_name",
          "language",
          "project",
          "is_bot",
          "bytes_changed");

  private BatchEvents() {}

  /**
   * Builds the batch fields of a {@link WikiEvent} from a lake record read with the {@link #COLUMNS}
   * projection, directly (no Beam {@code Row} in between: that conversion was a third of the read).
   */
  public static final class FromRecord implements SerializableFunction<GenericRecord, WikiEvent> {
    private transient @Nullable Schema schema;
    private transient int[] pos;

    @Override
    public WikiEvent apply(GenericRecord r) {
      if (r.getSchema() != schema) {
        schema = r.getSchema();
        pos = new int[COLUMNS.size()];
        for (int i = 0; i < pos.length; i++) {
          Schema.Field f = schema.getField(COLUMNS.get(i));
          if (f == null) {
            throw new IllegalArgumentException("lake record without column " + COLUMNS.get(i) + ": " + schema);
          }
          pos[i] = f.pos();
        }
      }
      WikiEvent e = new WikiEvent();
      e.eventId = string(r.get(pos[0]));
      e.eventTime = instant(r.get(pos[1]));
      e.domain = string(r.get(pos[2]));
      e.type = string(r.get(pos[3]));
      Object namespace = r.get(pos[4]);
      e.namespace = namespace == null ? null : ((Number) namespace).intValue();
      e.user = string(r.get(pos[5]));
      e.serverName = string(r.get(pos[6]));
      e.language = string(r.get(pos[7]));
      e.project = string(r.get(pos[8]));
      e.isBot = (Boolean) r.get(pos[9]);
      e.bytesChanged = ((Number) r.get(pos[10])).longValue();
      return e;
    }

    private static @Nullable String string(@Nullable Object v) {
      return v == null ? null : v.toString();
    }

    private static Instant instant(Object v) {
      if (v instanceof ReadableInstant t) {
        return new Instant(t.getMillis());
      }
      if (v instanceof java.time.Instant t) {
        return new Instant(t.toEpochMilli());
      }
      return new Instant(((Number) v).longValue());
    }
  }

  /**
   * Encodes the batch fields of a {@link WikiEvent} (the {@link #COLUMNS}) and nothing else: about
   * 90 bytes an event instead of the whole record. Only for events read with the projection.
   */
  public static final class EventCoder extends AtomicCoder<WikiEvent> {
    private static final EventCoder INSTANCE = new EventCoder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final int BOT = 1;
    private static final int HAS_USER = 2;
    private static final int HAS_NAMESPACE = 4;
    private static final int HAS_DOMAIN = 8;
    private static final int DOMAIN_IS_SERVER = 16;

    public static EventCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(WikiEvent e, OutputStream out) throws IOException {
      boolean domainIsServer = e.domain != null && e.domain.equals(e.serverName);
      int flags =
          (e.isBot ? BOT : 0)
              | (e.user != null ? HAS_USER : 0)
              | (e.namespace != null ? HAS_NAMESPACE : 0)
              | (e.domain != null ? HAS_DOMAIN : 0)
              | (domainIsServer ? DOMAIN_IS_SERVER : 0);
      out.write(flags);
      STRING.encode(e.eventId, out);
      VarInt.encode(e.eventTime.getMillis(), out);
      STRING.encode(e.type, out);
      STRING.encode(e.serverName, out);
      STRING.encode(e.language, out);
      STRING.encode(e.project, out);
      VarInt.encode(e.bytesChanged, out);
      if (e.user != null) {
        STRING.encode(e.user, out);
      }
      if (e.namespace != null) {
        VarInt.encode(e.namespace, out);
      }
      if (e.domain != null && !domainIsServer) {
        STRING.encode(e.domain, out);
      }
    }

    @Override
    public WikiEvent decode(InputStream in) throws IOException {
      int flags = in.read();
      if (flags < 0) {
        throw new CoderException("end of stream before a batch event");
      }
      WikiEvent e = new WikiEvent();
      e.isBot = (flags & BOT) != 0;
      e.eventId = STRING.decode(in);
      e.eventTime = new Instant(VarInt.decodeLong(in));
      e.type = STRING.decode(in);
      e.serverName = STRING.decode(in);
      e.language = STRING.decode(in);
      e.project = STRING.decode(in);
      e.bytesChanged = VarInt.decodeLong(in);
      if ((flags & HAS_USER) != 0) {
        e.user = STRING.decode(in);
      }
      if ((flags & HAS_NAMESPACE) != 0) {
        e.namespace = VarInt.decodeInt(in);
      }
      if ((flags & DOMAIN_IS_SERVER) != 0) {
        e.domain = e.serverName;
      } else if ((flags & HAS_DOMAIN) != 0) {
        e.domain = STRING.decode(in);
      }
      return e;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
