package org.wikipulse.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The HTTP service: one route table for the JSON API ({@code docs/api.md}), {@code /health},
 * {@code /metrics}, the dashboard's static pages and the ECharts WebJar. An instance, built from its
 * dependencies (the read-only {@link Db}, a clock, the consumer-lag probe); {@link #start()} binds the
 * port (0 = any free one) and {@link #stop()} releases it.
 *
 * <p>Errors: a bad parameter is 400 with a message; an unknown path 404; PostgreSQL not answering
 * 503; anything else 500 with a generic message. No response carries SQL or a stack trace.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final Set<String> HISTORICAL_PARAMS = Set.of("limit", "hours", "format");

  private final Service http;
  private final ObjectMapper mapper = new ObjectMapper();
  private final RealtimeRepository realtime;
  private final HistoricalRepository historical;
  private final StatusService status;
  private final Clock clock;
  private final TtlCache cache;
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final int requestedPort;
  private String host = "127.0.0.1";
  private volatile Map<String, Object> lastStatus = Map.of();

  /**
   * @param cacheResponses false in tests that change the data between calls
   */
  public DashboardServer(Db db, Clock clock, Supplier<Long> consumerLag, int port, boolean cacheResponses) {
    this.realtime = new RealtimeRepository(db);
    this.historical = new HistoricalRepository(db);
    this.status = new StatusService(db, clock, consumerLag);
    this.clock = clock;
    this.cache = new TtlCache(cacheResponses);
    this.requestedPort = port;
    this.http = Service.ignite();
  }

  /** The address to bind (default 127.0.0.1: loopback only). */
  public DashboardServer host(String address) {
    this.host = address;
    return this;
  }

  public DashboardServer start() {
    http.ipAddress(host);
    http.port(requestedPort);
    http.threadPool(64, 8, 30_000);
    http.staticFiles.location("/public");
    http.staticFiles.header("X-Content-Type-Options", "nosniff");
    http.staticFiles.header("Content-Security-Policy", contentSecurityPolicy());
    http.staticFiles.header("X-Frame-Options", "DENY");
    http.staticFiles.header("Referrer-Policy", "no-referrer");
    http.staticFiles.expireTime(60);

    http.before(
        (req, res) -> {
          res.header("X-Content-Type-Options", "nosniff");
          res.header("X-Frame-Options", "DENY");
          res.header("Referrer-Policy", "no-referrer");
          res.header("Cache-Control", "no-store");
        });
    http.after((req, res) -> countRequest(req, res));

    realtimeRoute("summary", 1, 1, realtime::summary);
    realtimeRoute("timeseries", 1, 1, realtime::timeseries);
    realtimeRoute("servers", 12, 500, realtime::servers);
    realtimeRoute("languages", 20, 500, realtime::languages);
    realtimeRoute("severity", 1, 1, realtime::severity);
    realtimeRoute("volume-change", 1, 1, realtime::volumeChange);
    realtimeRoute("namespaces", 20, 500, realtime::namespaces);
    realtimeRoute("types", 1, 1, realtime::types);
    realtimeRoute("engagement", 1, 1, realtime::engagement);
    realtimeRoute("pages", 12, 500, realtime::pages);
    realtimeRoute("battlefield", 300, 2000, realtime::battlefield);
    realtimeRoute("spikes", 1, 1, realtime::spikes);
    realtimeRoute("filters", 1, 1, realtime::filters);

    historicalRoute("hourly", (limit, req) -> historical.hourly(intParam(req, "hours", 48, 1, 720), clock.instant()));
    historicalRoute("languages", (limit, req) -> historical.languages(RealtimeQuery.limit(limit, 20, 500)));
    historicalRoute("servers", (limit, req) -> historical.servers(RealtimeQuery.limit(limit, 15, 50)));
    historicalRoute("contributors", (limit, req) -> historical.contributors(RealtimeQuery.limit(limit, 50, 100)));
    historicalRoute("runs", (limit, req) -> historical.runs(RealtimeQuery.limit(limit, 10, 100)));

    http.get("/api/status", (req, res) -> json(res, currentStatus()));
    http.get("/health", this::health);
    http.get("/metrics", (req, res) -> {
      currentStatus();
      res.type("text/plain; version=0.0.4; charset=utf-8");
      return metrics.scrape();
    });
    http.get("/webjars/*", this::webjar);
    registerGauges();

    http.notFound((req, res) -> {
      res.type(JSON);
      return error("no such resource: " + RealtimeQuery.clip(req.pathInfo()));
    });
    http.internalServerError((req, res) -> {
      res.type(JSON);
      return error("internal error");
    });
    http.exception(BadRequest.class, (e, req, res) -> {
      res.status(400);
      res.type(JSON);
      res.body(error(e.getMessage()));
    });
    http.exception(Db.DatabaseUnavailable.class, (e, req, res) -> {
      LOG.warn("database error on {}: {}", req.pathInfo(), e.getCause().toString());
      res.status(503);
      res.type(JSON);
      res.body(error("the database is not answering; try again shortly"));
    });
    http.exception(Exception.class, (e, req, res) -> {
      LOG.error("request {} failed", req.pathInfo(), e);
      res.status(500);
      res.type(JSON);
      res.body(error("internal error"));
    });
    http.init();
    http.awaitInitialization();
    LOG.info("serving on port {}", http.port());
    return this;
  }

  /** The bound port (after {@link #start()}). */
  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    stop();
  }

  public void stop() {
    http.stop();
    http.awaitStop();
    cache.close();
  }

  static String contentSecurityPolicy() {
    // ECharts positions its tooltips with inline styles; no inline script is used.
    return "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
  }

  private void realtimeRoute(
      String name, int defaultLimit, int maxLimit, Function<RealtimeQuery, Map<String, Object>> query) {
    http.get(
        "/api/realtime/" + name,
        (req, res) -> {
          RealtimeQuery q =
              RealtimeQuery.parse(req::queryParams, req.queryParams(), clock.instant(), defaultLimit, maxLimit);
          boolean csv = checkFormat(req);
          Duration ttl =
              q.windowMinutes() <= 60 ? Duration.ofSeconds(1)
                  : q.windowMinutes() <= 360 ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
          return send(res, cache.get(name + "|" + q.cacheKey() + "|" + csv, ttl, () -> render(name, csv, query.apply(q))));
        });
  }

  private void historicalRoute(String name, BiFunction<String, Request, Map<String, Object>> query) {
    http.get(
        "/api/historical/" + name,
        (req, res) -> {
          for (String p : req.queryParams()) {
            if (!HISTORICAL_PARAMS.contains(p)) {
              throw new BadRequest("unknown parameter '" + RealtimeQuery.clip(p) + "'; known: format, hours, limit");
            }
          }
          boolean csv = checkFormat(req);
          String key = name + "|" + req.queryParams("limit") + "|" + req.queryParams("hours") + "|" + csv;
          return send(res, cache.get(key, Duration.ofSeconds(5), () -> render(name, csv, query.apply(req.queryParams("limit"), req))));
        });
  }

  /** A response body rendered once and shared by every request the cache answers with it. */
  private record Rendered(String contentType, String body, String attachment) {}

  private Rendered render(String name, boolean csv, Map<String, Object> body) {
    if (csv) {
      List<Map<String, Object>> table = Csv.table(body);
      if (table == null) {
        throw new BadRequest("this endpoint has no table to export as CSV; use format=json");
      }
      return new Rendered("text/csv; charset=utf-8", Csv.write(table), "wikipulse-" + name + ".csv");
    }
    try {
      return new Rendered(JSON, mapper.writeValueAsString(body), null);
    } catch (JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String send(Response res, Rendered r) {
    res.type(r.contentType());
    if (r.attachment() != null) {
      res.header("Content-Disposition", "attachment; filename=\"" + r.attachment() + "\"");
    }
    return r.body();
  }

  private static int intParam(Request req, String name, int dflt, int min, int max) {
    String raw = req.queryParams(name);
    return raw == null || raw.isBlank() ? dflt : RealtimeQuery.parseInt(name, raw, min, max);
  }

  private static boolean checkFormat(Request req) {
    String format = req.queryParams("format");
    if (format == null || format.equals("json")) {
      return false;
    }
    if (format.equals("csv")) {
      return true;
    }
    throw new BadRequest("format must be json or csv, got '" + RealtimeQuery.clip(format) + "'");
  }

  private Object health(Request req, Response res) throws JsonProcessingException {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      Map<String, Object> s = currentStatus();
      out.put("status", ((List<?>) s.get("alerts")).isEmpty() ? "ok" : "degraded");
      out.put("database", "up");
      out.putAll(s);
    } catch (Db.DatabaseUnavailable e) {
      res.status(503);
      out.put("status", "down");
      out.put("database", "down");
    }
    return json(res, out);
  }

  private Map<String, Object> currentStatus() {
    Map<String, Object> s = cache.get("status", Duration.ofSeconds(2), status::status);
    lastStatus = s;
    return s;
  }

  private void registerGauges() {
    gauge("wikipulse.events.per.second", "kept events per second over the last minute of event time", "events_per_sec");
    gauge("wikipulse.last.event.age.seconds", "seconds since the newest event's time", "last_event_age_seconds");
    gauge("wikipulse.consumer.lag", "records the speed layer's consumer group is behind the topic", "consumer_lag");
    gauge("wikipulse.dead.letters.last.hour", "records dead-lettered in the last hour", "dead_letters_last_hour");
    gauge("wikipulse.dead.letter.rate", "dead letters / (events + dead letters), last hour", "dead_letter_rate");
    gauge("wikipulse.batch.age.seconds", "seconds since the last successful batch run finished", "batch_age_seconds");
    for (String alert : List.of("no_events", "consumer_lag", "dead_letter_rate", "batch_stale")) {
      Gauge.builder("wikipulse.alert", () -> alertLevel(alert))
          .description("0 = fine, 1 = warning, 2 = critical")
          .tag("name", alert)
          .register(metrics);
    }
  }

  private void gauge(String name, String description, String field) {
    Gauge.builder(name, () -> {
          Object v = lastStatus.get(field);
          return v instanceof Number n ? n.doubleValue() : Double.NaN;
        })
        .description(description)
        .register(metrics);
  }

  private double alertLevel(String name) {
    Object alerts = lastStatus.get("alerts");
    if (alerts instanceof List<?> list) {
      for (Object a : list) {
        if (a instanceof Map<?, ?> m && name.equals(m.get("name"))) {
          return "critical".equals(m.get("severity")) ? 2 : 1;
        }
      }
    }
    return 0;
  }

  private void countRequest(Request req, Response res) {
    String path = req.pathInfo();
    String route =
        path.startsWith("/api/") || path.equals("/health") || path.equals("/metrics")
            ? path
            : path.startsWith("/webjars/") ? "/webjars" : "static";
    if (route.length() > 40) {
      route = "other";
    }
    Counter.builder("wikipulse.http.requests")
        .tag("route", route)
        .tag("status", Integer.toString(res.status()))
        .register(metrics)
        .increment();
  }

  /** Files of the WebJars on the classpath (META-INF/resources/webjars/...), cached for a year. */
  private Object webjar(Request req, Response res) throws IOException {
    String path = req.pathInfo().substring("/webjars/".length());
    if (path.contains("..") || path.contains("//") || path.startsWith("/")) {
      throw new BadRequest("invalid path");
    }
    try (InputStream in =
        DashboardServer.class.getResourceAsStream("/META-INF/resources/webjars/" + path)) {
      if (in == null) {
        res.status(404);
        res.type(JSON);
        return error("no such resource: /webjars/" + RealtimeQuery.clip(path));
      }
      res.type(path.endsWith(".js") ? "text/javascript; charset=utf-8"
          : path.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream");
      res.raw().setHeader("Cache-Control", "public, max-age=31536000, immutable");
      return in.readAllBytes();
    }
  }

  private String json(Response res, Object body) throws JsonProcessingException {
    res.type(JSON);
    return mapper.writeValueAsString(body);
  }

  private String error(String message) {
    try {
      return mapper.writeValueAsString(Map.of("error", message));
    } catch (JsonProcessingException e) {
      return "{\"error\":\"internal error\"}";
    }
  }
}
