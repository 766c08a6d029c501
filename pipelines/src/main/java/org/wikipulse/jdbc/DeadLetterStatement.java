package org.wikipulse.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HexFormat;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.wikipulse.model.FailedRecord;

/**
 * Writes one dead letter into {@code dead_letters}, once: its natural key is the Kafka
 * topic/partition/offset and stage, or a digest of stage and payload when it has no Kafka origin.
 */
public class DeadLetterStatement implements JdbcIO.PreparedStatementSetter<FailedRecord> {

  public static final String SQL =
      "INSERT INTO dead_letters (record_key, stage, error, payload, source_topic, source_partition, "
          + "source_offset, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
          + "ON CONFLICT (record_key) DO NOTHING";

  @Override
  public void setParameters(FailedRecord f, PreparedStatement ps) throws SQLException {
    ps.setString(1, recordKey(f));
    ps.setString(2, f.stage);
    ps.setString(3, f.error);
    ps.setString(4, f.payload);
    ps.setString(5, f.sourceTopic);
    if (f.sourcePartition == null) {
      ps.setNull(6, Types.INTEGER);
    } else {
      ps.setInt(6, f.sourcePartition);
    }
    if (f.sourceOffset == null) {
      ps.setNull(7, Types.BIGINT);
    } else {
      ps.setLong(7, f.sourceOffset);
    }
    ps.setTimestamp(8, new Timestamp(f.failedAt.getMillis()));
  }

  /** The idempotence key of a dead letter. */
  public static String recordKey(FailedRecord f) {
    if (f.sourceTopic != null && f.sourcePartition != null && f.sourceOffset != null) {
      return "kafka:" + f.sourceTopic + "/" + f.sourcePartition + "/" + f.sourceOffset + ":" + f.stage;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(f.stage.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(f.payload.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
