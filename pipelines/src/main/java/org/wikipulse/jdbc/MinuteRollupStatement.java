package org.wikipulse.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.values.KV;
import org.wikipulse.speed.MinuteRollupKey;
import org.wikipulse.speed.RollupTotals;

/**
 * Upserts one pane of the minute cube into {@code realtime_minute_rollups} by its natural key.
 * Panes accumulate, so a newer pane of a key always has more events than an older one: the guard
 * keeps an older pane (a retried bundle, the early panes of a re-run) from overwriting a newer
 * total, and makes a pane equal to the stored row a no-op.
 *
 * <p>{@code INSERT ... SELECT ?, ...} rather than {@code VALUES}: one JDBC batch can hold several
 * panes of one key (an early and the on-time pane in one bundle), and with {@code
 * reWriteBatchedInserts=true} in the JDBC URL the driver folds a {@code VALUES} batch into one
 * multi-row statement, which PostgreSQL rejects ("ON CONFLICT DO UPDATE command cannot affect row a
 * second time"). The driver leaves a {@code SELECT} batch as separate statements, applied in order.
 */
public class MinuteRollupStatement
    implements JdbcIO.PreparedStatementSetter<KV<MinuteRollupKey, RollupTotals>> {

  public static final String SQL =
      "INSERT INTO realtime_minute_rollups AS t (minute, server_name, language, project, namespace, "
          + "type, is_bot, severity, event_count, total_bytes, bytes_added, bytes_removed) "
          + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
          + "ON CONFLICT ON CONSTRAINT realtime_minute_rollups_key DO UPDATE SET "
          + "event_count = EXCLUDED.event_count, total_bytes = EXCLUDED.total_bytes, "
          + "bytes_added = EXCLUDED.bytes_added, bytes_removed = EXCLUDED.bytes_removed "
          + "WHERE t.event_count < EXCLUDED.event_count";

  @Override
  public void setParameters(KV<MinuteRollupKey, RollupTotals> pane, PreparedStatement ps)
      throws SQLException {
    MinuteRollupKey k = pane.getKey();
    RollupTotals t = pane.getValue();
    ps.setTimestamp(1, new Timestamp(k.minute.getMillis()));
    ps.setString(2, k.serverName);
    ps.setString(3, k.language);
    ps.setString(4, k.project);
    setNamespace(ps, 5, k.namespace);
    ps.setString(6, k.type);
    ps.setBoolean(7, k.isBot);
    ps.setString(8, k.severity);
    ps.setLong(9, t.eventCount);
    ps.setLong(10, t.totalBytes);
    ps.setLong(11, t.bytesAdded);
    ps.setLong(12, t.bytesRemoved);
  }

  static void setNamespace(PreparedStatement ps, int index, Integer namespace) throws SQLException {
    if (namespace == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, namespace);
    }
  }
}
