package org.wikipulse.serving;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated parameters of a real-time request: the window that ends now, the filters (wiki,
 * bot/human, namespace, event type) and a row limit. Every parameter is checked here, once, and a bad
 * one is a {@link BadRequest} naming it. The filters become one SQL condition that every rollup table
 * and the raw events table accept (they share the filter columns), always with bind parameters.
 */
public final class RealtimeQuery {
  public static final int MIN_WINDOW_MINUTES = 5;
  public static final int MAX_WINDOW_MINUTES = 24 * 60;
  public static final int DEFAULT_WINDOW_MINUTES = 30;

  private static final Pattern WINDOW = Pattern.compile("([0-9]{1,5})([mh])");
  private static final Pattern SERVER = Pattern.compile("[a-z0-9][a-z0-9.-]{0,99}");
  private static final Set<String> TYPES = Set.of("edit", "new", "log");
  private static final Set<String> KNOWN =
      Set.of("window", "server", "bot", "namespace", "type", "limit", "format");

  private final int windowMinutes;
  private final Instant now;
  private final String server;
  private final Boolean bot;
  private final Integer namespace;
  private final String type;
  private final int limit;

  private RealtimeQuery(
      int windowMinutes, Instant now, String server, Boolean bot, Integer namespace, String type,
      int limit) {
    this.windowMinutes = windowMinutes;
    this.now = now;
    this.server = server;
    this.bot = bot;
    this.namespace = namespace;
    this.type = type;
    this.limit = limit;
  }

  /**
   * Parses the request parameters ({@code param} returns null for an absent one).
   *
   * @param defaultLimit the endpoint's default row count; {@code maxLimit} its largest
   */
  public static RealtimeQuery parse(
      Function<String, String> param, Set<String> present, Instant now, int defaultLimit, int maxLimit) {
    for (String name : present) {
      if (!KNOWN.contains(name)) {
        throw new BadRequest("unknown parameter '" + clip(name) + "'; known: " + String.join(", ", KNOWN.stream().sorted().toList()));
      }
    }
    int window = parseWindow(param.apply("window"));
    String server = param.apply("server");
    if (server != null) {
      server = server.trim().toLowerCase(java.util.Locale.ROOT);
      if (server.isEmpty() || server.equals("all")) {
        server = null;
      } else if (!SERVER.matcher(server).matches()) {
        throw new BadRequest("server must be a wiki's server name such as en.wikipedia.org, got '" + clip(server) + "'");
      }
    }
    Boolean bot = parseBot(param.apply("bot"));
    Integer namespace = null;
    String ns = param.apply("namespace");
    if (ns != null && !ns.isBlank() && !ns.equals("all")) {
      namespace = parseInt("namespace", ns, -2, 1_000_000);
    }
    String type = param.apply("type");
    if (type != null) {
      type = type.trim().toLowerCase(java.util.Locale.ROOT);
      if (type.isEmpty() || type.equals("all")) {
        type = null;
      } else if (!TYPES.contains(type)) {
        throw new BadRequest("type must be one of edit, new, log, all; got '" + clip(type) + "'");
      }
    }
    int limit = limit(param.apply("limit"), defaultLimit, maxLimit);
    return new RealtimeQuery(window, now, server, bot, namespace, type, limit);
  }

  /** A row limit: {@code raw} parsed and checked against 1..max, or the default. */
  public static int limit(String raw, int defaultLimit, int maxLimit) {
    if (raw == null || raw.isBlank()) {
      return defaultLimit;
    }
    return parseInt("limit", raw, 1, maxLimit);
  }

  static int parseInt(String name, String raw, int min, int max) {
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest(name + " must be an integer from " + min + " to " + max + ", got '" + clip(raw) + "'");
    }
    if (value < min || value > max) {
      throw new BadRequest(name + " must be from " + min + " to " + max + ", got " + value);
    }
    return (int) value;
  }

  static int parseWindow(String raw) {
    if (raw == null || raw.isBlank()) {
      return DEFAULT_WINDOW_MINUTES;
    }
    Matcher m = WINDOW.matcher(raw.trim().toLowerCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new BadRequest("window must look like 5m, 30m, 1h or 24h, got '" + clip(raw) + "'");
    }
    long minutes = Long.parseLong(m.group(1)) * (m.group(2).equals("h") ? 60 : 1);
    if (minutes < MIN_WINDOW_MINUTES || minutes > MAX_WINDOW_MINUTES) {
      throw new BadRequest("window must be from 5m to 24h, got '" + clip(raw) + "'");
    }
    return (int) minutes;
  }

  private static Boolean parseBot(String raw) {
    if (raw == null) {
      return null;
    }
    return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "", "all" -> null;
      case "bot", "true" -> Boolean.TRUE;
      case "human", "false" -> Boolean.FALSE;
      default -> throw new BadRequest("bot must be bot, human or all, got '" + clip(raw) + "'");
    };
  }

  /** At most 60 characters of a rejected value, so a huge parameter is not echoed back in full. */
  static String clip(String raw) {
    String s = raw.length() > 60 ? raw.substring(0, 60) + "..." : raw;
    return s.replaceAll("[\\p{Cntrl}]", "?");
  }

  public int windowMinutes() {
    return windowMinutes;
  }

  public int limit() {
    return limit;
  }

  public Instant now() {
    return now;
  }

  /** The minute bucket that holds {@code now} (the newest, still filling). */
  public Instant lastMinute() {
    return now.truncatedTo(ChronoUnit.MINUTES);
  }

  /** The oldest minute bucket of the window: the window holds {@code windowMinutes} buckets. */
  public Instant firstMinute() {
    return lastMinute().minus(windowMinutes - 1L, ChronoUnit.MINUTES);
  }

  /** The filters as one SQL condition (starting with " AND ", or empty) over the shared columns. */
  public String filterSql() {
    StringBuilder sql = new StringBuilder();
    if (server != null) {
      sql.append(" AND server_name = ?");
    }
    if (bot != null) {
      sql.append(" AND is_bot = ?");
    }
    if (namespace != null) {
      sql.append(" AND namespace = ?");
    }
    if (type != null) {
      sql.append(" AND type = ?");
    }
    return sql.toString();
  }

  /** The bind values of {@link #filterSql()}, in order. */
  public List<Object> filterParams() {
    List<Object> params = new ArrayList<>();
    if (server != null) {
      params.add(server);
    }
    if (bot != null) {
      params.add(bot);
    }
    if (namespace != null) {
      params.add(namespace);
    }
    if (type != null) {
      params.add(type);
    }
    return params;
  }

  /** A stable key of everything that changes the answer except the clock, for the response cache. */
  public String cacheKey() {
    return windowMinutes + "|" + server + "|" + bot + "|" + namespace + "|" + type + "|" + limit;
  }

  /** The {@code window} and {@code filters} objects every real-time response starts with. */
  public Map<String, Object> describe() {
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("from", firstMinute().toString());
    window.put("to", now.truncatedTo(ChronoUnit.MILLIS).toString());
    window.put("minutes", windowMinutes);
    Map<String, Object> filters = new LinkedHashMap<>();
    filters.put("server", server);
    filters.put("bot", bot == null ? "all" : bot ? "bot" : "human");
    filters.put("namespace", namespace);
    filters.put("type", type);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window", window);
    out.put("filters", filters);
    return out;
  }
}
