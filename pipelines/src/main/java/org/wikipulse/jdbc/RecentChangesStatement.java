package org.wikipulse.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.values.KV;
import org.wikipulse.model.WikiEvent;

/**
 * Writes one batch of events into {@code realtime_recent_changes} as a single {@code INSERT ...
 * SELECT FROM unnest(arrays)} statement — one round trip per batch — skipping event ids that are
 * already there ({@code ON CONFLICT DO NOTHING}: the stream repeats ids and runners re-execute).
 */
public class RecentChangesStatement
    implements JdbcIO.PreparedStatementSetter<KV<Integer, Iterable<WikiEvent>>> {

  public static final String SQL =
      "INSERT INTO realtime_recent_changes (event_id, event_time, meta_dt, type, rc_id, namespace, "
          + "title, user_name, server_name, wiki, language, project, comment, is_bot, is_minor, "
          + "is_new_page, length_diff, bytes_changed, revision_old, revision_new, log_type, log_action) "
          + "SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::bigint[], "
          + "?::integer[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
          + "?::boolean[], ?::boolean[], ?::boolean[], ?::bigint[], ?::bigint[], ?::bigint[], "
          + "?::bigint[], ?::text[], ?::text[]) "
          + "ON CONFLICT (event_id) DO NOTHING";

  @Override
  public void setParameters(KV<Integer, Iterable<WikiEvent>> batch, PreparedStatement ps)
      throws SQLException {
    List<WikiEvent> events = new ArrayList<>();
    batch.getValue().forEach(events::add);
    int n = events.size();
    String[] id = new String[n], metaDt = new String[n], type = new String[n], title = new String[n];
    String[] user = new String[n], server = new String[n], wiki = new String[n], lang = new String[n];
    String[] project = new String[n], comment = new String[n], logType = new String[n];
    String[] logAction = new String[n];
    Timestamp[] time = new Timestamp[n];
    Long[] rcId = new Long[n], diff = new Long[n], bytes = new Long[n], revOld = new Long[n];
    Long[] revNew = new Long[n];
    Integer[] ns = new Integer[n];
    Boolean[] bot = new Boolean[n], minor = new Boolean[n], newPage = new Boolean[n];
    for (int i = 0; i < n; i++) {
      WikiEvent e = events.get(i);
      id[i] = e.eventId;
      time[i] = new Timestamp(e.eventTime.getMillis());
      metaDt[i] = e.metaDt;
      type[i] = e.type;
      rcId[i] = e.rcId;
      ns[i] = e.namespace;
      title[i] = e.title;
      user[i] = e.user;
      server[i] = e.serverName;
      wiki[i] = e.wiki;
      lang[i] = e.language;
      project[i] = e.project;
      comment[i] = e.comment;
      bot[i] = e.isBot;
      minor[i] = e.isMinor;
      newPage[i] = e.isNewPage;
      diff[i] = e.lengthDiff;
      bytes[i] = e.bytesChanged;
      revOld[i] = e.revisionOld;
      revNew[i] = e.revisionNew;
      logType[i] = e.logType;
      logAction[i] = e.logAction;
    }
    Connection c = ps.getConnection();
    int p = 1;
    ps.setArray(p++, array(c, "text", id));
    ps.setArray(p++, array(c, "timestamptz", time));
    ps.setArray(p++, array(c, "text", metaDt));
    ps.setArray(p++, array(c, "text", type));
    ps.setArray(p++, array(c, "int8", rcId));
    ps.setArray(p++, array(c, "int4", ns));
    ps.setArray(p++, array(c, "text", title));
    ps.setArray(p++, array(c, "text", user));
    ps.setArray(p++, array(c, "text", server));
    ps.setArray(p++, array(c, "text", wiki));
    ps.setArray(p++, array(c, "text", lang));
    ps.setArray(p++, array(c, "text", project));
    ps.setArray(p++, array(c, "text", comment));
    ps.setArray(p++, array(c, "bool", bot));
    ps.setArray(p++, array(c, "bool", minor));
    ps.setArray(p++, array(c, "bool", newPage));
    ps.setArray(p++, array(c, "int8", diff));
    ps.setArray(p++, array(c, "int8", bytes));
    ps.setArray(p++, array(c, "int8", revOld));
    ps.setArray(p++, array(c, "int8", revNew));
    ps.setArray(p++, array(c, "text", logType));
    ps.setArray(p, array(c, "text", logAction));
  }

  private static Array array(Connection c, String type, Object[] values) throws SQLException {
    return c.createArrayOf(type, values);
  }
}
