package org.wikipulse.serving;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Runs parameterised, read-only queries and returns their rows as ordered maps of JSON-ready values:
 * timestamps as ISO-8601 UTC strings, whole numbers as {@code Long}, fractions as {@code Double}.
 * Reads: PostgreSQL through the given pool. Writes: nothing (the pool's role cannot write).
 */
public final class Db {
  /** No API query may run longer than this; a slow one answers 503 rather than piling up. */
  private static final int QUERY_TIMEOUT_SECONDS = 20;

  private final DataSource dataSource;

  public Db(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<Map<String, Object>> rows(String sql, List<?> params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Instant instant) {
          ps.setTimestamp(i + 1, Timestamp.from(instant));
        } else {
          ps.setObject(i + 1, p);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int col = 1; col <= md.getColumnCount(); col++) {
            row.put(md.getColumnLabel(col), value(rs.getObject(col)));
          }
          out.add(row);
        }
        return out;
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailable(e);
    }
  }

  /** The first row, or an empty map. */
  public Map<String, Object> row(String sql, List<?> params) {
    List<Map<String, Object>> rows = rows(sql, params);
    return rows.isEmpty() ? new LinkedHashMap<>() : rows.get(0);
  }

  static Object value(Object v) {
    if (v instanceof Timestamp ts) {
      return ts.toInstant().toString();
    }
    if (v instanceof BigDecimal bd) {
      return bd.scale() <= 0 || bd.stripTrailingZeros().scale() <= 0 ? (Object) bd.longValueExact() : bd.doubleValue();
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    return v;
  }

  /** PostgreSQL did not answer or refused the query; answered with 503 (details only in the log). */
  public static final class DatabaseUnavailable extends RuntimeException {
    DatabaseUnavailable(SQLException cause) {
      super(cause);
    }
  }
}
