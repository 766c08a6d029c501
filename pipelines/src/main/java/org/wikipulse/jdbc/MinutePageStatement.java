package org.wikipulse.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.values.KV;
import org.wikipulse.speed.MinutePageKey;
import org.wikipulse.speed.RollupTotals;

/**
 * Upserts one pane of a page's minute into {@code realtime_minute_pages} by its natural key, with
 * the same newer-pane guard, and for the same reason an {@code INSERT ... SELECT}, as {@link
 * MinuteRollupStatement}.
 */
public class MinutePageStatement
    implements JdbcIO.PreparedStatementSetter<KV<MinutePageKey, RollupTotals>> {

  public static final String SQL =
      "INSERT INTO realtime_minute_pages AS t (minute, server_name, title, namespace, type, is_bot, "
          + "event_count, total_bytes) SELECT ?, ?, ?, ?, ?, ?, ?, ? "
          + "ON CONFLICT ON CONSTRAINT realtime_minute_pages_key DO UPDATE SET "
          + "event_count = EXCLUDED.event_count, total_bytes = EXCLUDED.total_bytes "
          + "WHERE t.event_count < EXCLUDED.event_count";

  @Override
  public void setParameters(KV<MinutePageKey, RollupTotals> pane, PreparedStatement ps)
      throws SQLException {
    MinutePageKey k = pane.getKey();
    ps.setTimestamp(1, new Timestamp(k.minute.getMillis()));
    ps.setString(2, k.serverName);
    ps.setString(3, k.title);
    MinuteRollupStatement.setNamespace(ps, 4, k.namespace);
    ps.setString(5, k.type);
    ps.setBoolean(6, k.isBot);
    ps.setLong(7, pane.getValue().eventCount);
    ps.setLong(8, pane.getValue().totalBytes);
  }
}
