package org.wikipulse.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.wikipulse.speed.TrafficVolume;

/**
 * Upserts one traffic pane into {@code realtime_traffic_volume} by window start. Panes accumulate,
 * so a pane never has fewer events than an earlier one of its window: the guard keeps a pane that
 * arrives out of order (a retried bundle) from overwriting a newer total.
 */
public class TrafficVolumeStatement implements JdbcIO.PreparedStatementSetter<TrafficVolume> {

  public static final String SQL =
      "INSERT INTO realtime_traffic_volume (window_start, window_end, event_count, total_bytes, avg_bytes, updated_at) "
          + "VALUES (?, ?, ?, ?, ?, now()) "
          + "ON CONFLICT (window_start) DO UPDATE SET window_end = EXCLUDED.window_end, "
          + "event_count = EXCLUDED.event_count, total_bytes = EXCLUDED.total_bytes, "
          + "avg_bytes = EXCLUDED.avg_bytes, updated_at = now() "
          + "WHERE realtime_traffic_volume.event_count <= EXCLUDED.event_count";

  @Override
  public void setParameters(TrafficVolume t, PreparedStatement ps) throws SQLException {
    ps.setTimestamp(1, new Timestamp(t.windowStart.getMillis()));
    ps.setTimestamp(2, new Timestamp(t.windowEnd.getMillis()));
    ps.setLong(3, t.eventCount);
    ps.setLong(4, t.totalBytes);
    ps.setDouble(5, t.avgBytes());
  }
}
