package org.wikipulse.serving;

import java.util.List;
import java.util.Map;

/**
 * A response's table as CSV (RFC 4180: a header row, CRLF line ends, fields with a comma, quote or
 * line break quoted). Text that a spreadsheet would run as a formula (starting with = + - @) gets a
 * leading apostrophe: page titles and user names come from the public and are not trusted.
 */
final class Csv {
  private Csv() {}

  /** The list under "rows", "points" or "buckets" of {@code response}, or null when it has none. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> table(Map<String, Object> response) {
    for (String key : List.of("rows", "points", "buckets")) {
      if (response.get(key) instanceof List<?> list) {
        return (List<Map<String, Object>>) list;
      }
    }
    return null;
  }

  static String write(List<Map<String, Object>> rows) {
    StringBuilder out = new StringBuilder();
    if (rows.isEmpty()) {
      return "";
    }
    List<String> header = List.copyOf(rows.get(0).keySet());
    out.append(String.join(",", header.stream().map(Csv::field).toList())).append("\r\n");
    for (Map<String, Object> row : rows) {
      for (int i = 0; i < header.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        Object v = row.get(header.get(i));
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
          v = String.valueOf(v);
        }
        out.append(v == null ? "" : v instanceof String s ? field(defuse(s)) : field(String.valueOf(v)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  static String defuse(String s) {
    return !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
  }

  static String field(String s) {
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
