package org.wikipulse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON API against the real PostgreSQL server holding known rows: the service runs on port 0 as
 * the read-only role with a fixed clock (now = 2026-11-29T12:00:30Z), and every endpoint's answer is
 * checked value by value, with and without filters, over two windows; then the 400s, the CSV export,
 * the 503 of a database that does not answer, and that the role cannot write.
 */
class ServingApiIT {
  static final Instant NOW = Instant.parse("2026-11-29T12:00:30Z");
  /** A day later: only the spike scenario's rows are within reach of this clock. */
  static final Instant SPIKE_NOW = Instant.parse("2026-11-30T12:00:30Z");

  private static SeededDatabase db;
  private static DashboardServer server;
  private static DashboardServer spikeServer;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void seedAndStart() throws Exception {
    db = new SeededDatabase("serving_api");
    db.execute(
        // The cube. In the 30 min window (11:31..12:00): rows 1, 2, 3 and 5; row 4 only in 1 h.
        "INSERT INTO realtime_minute_rollups VALUES "
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','en','wikipedia',0,'edit',false,'MINOR',10,500,300,200),"
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','en','wikipedia',0,'edit',true,'MAJOR',5,10000,10000,0),"
            + "('2026-11-29T11:50:00Z','de.wikipedia.org','de','wikipedia',14,'new',false,'MODERATE',3,600,600,0),"
            + "('2026-11-29T11:05:00Z','www.wikidata.org','wikidata','wikidata',0,'edit',true,'MINOR',100,1000,500,500),"
            + "('2026-11-29T12:00:00Z','en.wikipedia.org','en','wikipedia',NULL,'log',false,'MINOR',2,0,0,0)",
        "INSERT INTO realtime_minute_pages VALUES "
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','Alpha',0,'edit',false,6,300),"
            + "('2026-11-29T11:58:00Z','en.wikipedia.org','Alpha',0,'edit',true,5,10000),"
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','=cmd()',0,'edit',false,4,200),"
            + "('2026-11-29T11:50:00Z','de.wikipedia.org','Kategorie:X, \"quoted\"',14,'new',false,3,600),"
            + "('2026-11-29T11:05:00Z','www.wikidata.org','Q42',0,'edit',true,100,1000)",
        "INSERT INTO realtime_minute_users VALUES "
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','Ann',0,'edit',false,10,400),"
            + "('2026-11-29T11:40:00Z','en.wikipedia.org','Ann',0,'edit',false,15,100),"
            + "('2026-11-29T11:59:00Z','en.wikipedia.org','BotX',0,'edit',true,5,5000),"
            + "('2026-11-29T11:58:00Z','en.wikipedia.org','BotX',0,'edit',true,7,5000),"
            + "('2026-11-29T11:50:00Z','de.wikipedia.org','Kurt',14,'new',false,3,600),"
            + "('2026-11-29T11:05:00Z','www.wikidata.org','BigBot',0,'edit',true,600,1000)",
        rawEvent("e1", "2026-11-29T12:00:20Z", "en.wikipedia.org", "Alpha", "Ann", "edit", false, 0, 120),
        rawEvent("e2", "2026-11-29T12:00:00Z", "en.wikipedia.org", "Beta", "BotX", "edit", true, 0, -50),
        rawEvent("e3", "2026-11-29T11:59:10Z", "de.wikipedia.org", "Kategorie:X", "Kurt", "new", false, 14, 300),
        rawEvent("e4", "2026-11-29T11:00:00Z", "www.wikidata.org", "Q42", "BigBot", "edit", true, 0, 10),
        "INSERT INTO dead_letters (record_key, stage, error, payload, failed_at) VALUES "
            + "('k1','parse','bad json','{','2026-11-29T11:30:00Z'),"
            + "('k2','parse','bad json','{','2026-11-29T11:31:00Z'),"
            + "('k3','validate','no meta.id','{}','2026-11-29T11:32:00Z'),"
            + "('k0','parse','bad json','{','2026-11-29T09:00:00Z')",
        // The batch layer covered 08:00..10:59; 11:00 and 12:00 come from the real-time cube.
        "INSERT INTO historical_hourly_trends VALUES "
            + "('2026-11-29T08:00:00Z',100,1000,40,5,90,100,1000),"
            + "('2026-11-29T09:00:00Z',0,0,0,0,0,50,500),"
            + "('2026-11-29T10:00:00Z',50,500,10,1,45,50,500)",
        "INSERT INTO historical_hourly_patterns VALUES "
            + "('2026-11-29T08:00:00Z',100,1000,10,40,60),('2026-11-29T10:00:00Z',50,500,10,10,40)",
        "INSERT INTO historical_language_distribution VALUES "
            + "('en','wikipedia',300,3000,100,10),('de','wikipedia',100,1000,0,5)",
        "INSERT INTO historical_server_rankings VALUES "
            + "('en.wikipedia.org','en','wikipedia',300,3000,25,1,0),"
            + "('de.wikipedia.org','de','wikipedia',100,1000,7,2,1)",
        "INSERT INTO historical_top_contributors VALUES "
            + "('Ann',false,50,500,2),('BotX',true,40,4000,0),('Zed',false,40,10,1)",
        "INSERT INTO batch_runs (range_from, range_to, events_read, duplicates_dropped, started_at, finished_at, status, runner, message) VALUES "
            + "('2026-11-28T08:00:00Z','2026-11-29T11:00:00Z',150,3,'2026-11-28T11:59:00Z','2026-11-28T12:00:30Z','succeeded','SparkRunner','ok'),"
            + "(NULL,NULL,NULL,NULL,'2026-11-29T11:00:00Z','2026-11-29T11:01:00Z','failed','SparkRunner','lake unreachable')",
        // Spike scenario, a day later: fr.wikipedia.org made 2 edits in each of 10 baseline minutes,
        // then 30 a minute over the last 5 complete minutes; it.wikipedia.org is steady.
        "INSERT INTO realtime_minute_rollups SELECT m, 'fr.wikipedia.org','fr','wikipedia',0,'edit',false,'MINOR',2,20,20,0 "
            + "FROM generate_series('2026-11-30T10:00:00Z'::timestamptz, '2026-11-30T10:09:00Z', interval '1 minute') m",
        "INSERT INTO realtime_minute_rollups SELECT m, 'fr.wikipedia.org','fr','wikipedia',0,'edit',false,'MINOR',30,300,300,0 "
            + "FROM generate_series('2026-11-30T11:55:00Z'::timestamptz, '2026-11-30T11:59:00Z', interval '1 minute') m",
        "INSERT INTO realtime_minute_rollups SELECT m, 'it.wikipedia.org','it','wikipedia',0,'edit',false,'MINOR',12,120,120,0 "
            + "FROM generate_series('2026-11-30T08:55:00Z'::timestamptz, '2026-11-30T11:59:00Z', interval '1 minute') m");
    server =
        new DashboardServer(new Db(db.readerPool()), Clock.fixed(NOW, ZoneOffset.UTC), () -> 7000L, 0, false)
            .start();
    spikeServer =
        new DashboardServer(new Db(db.readerPool()), Clock.fixed(SPIKE_NOW, ZoneOffset.UTC), () -> null, 0, false)
            .start();
  }

  private static String rawEvent(
      String id, String time, String server, String title, String user, String type, boolean bot,
      int namespace, int lengthDiff) {
    return String.format(
        "INSERT INTO realtime_recent_changes (event_id, event_time, type, namespace, title, user_name, "
            + "server_name, language, project, is_bot, is_minor, is_new_page, length_diff, bytes_changed) "
            + "VALUES ('%s','%s','%s',%d,'%s','%s','%s','%s','wikipedia',%s,false,%s,%d,%d)",
        id, time, type, namespace, title, user, server, server.substring(0, server.indexOf('.')), bot,
        type.equals("new"), lengthDiff, Math.abs(lengthDiff));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (spikeServer != null) {
      spikeServer.stop();
    }
    if (db != null) {
      db.close();
    }
  }

  static HttpResponse<String> get(DashboardServer s, String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(server, pathAndQuery);
    assertEquals(200, r.statusCode(), pathAndQuery + " -> " + r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  static String compact(JsonNode rows, String... fields) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : rows) {
      List<String> values = new ArrayList<>();
      for (String f : fields) {
        values.add(row.get(f).asText());
      }
      out.add(String.join("/", values));
    }
    return String.join(" ", out);
  }

  @Test
  void summaryOverTheWindowAndUnderEachFilter() throws Exception {
    JsonNode s = json("/api/realtime/summary");
    assertEquals("2026-11-29T11:31:00Z", s.at("/window/from").asText());
    assertEquals("2026-11-29T12:00:30Z", s.at("/window/to").asText());
    assertEquals(30, s.at("/window/minutes").asInt());
    assertEquals(20, s.get("events").asLong());
    assertEquals(11100, s.get("bytes").asLong());
    assertEquals(0.011, s.get("mib").asDouble());
    assertEquals(0.033, s.get("velocity").asDouble()); // e1 and e2 in the last 60 s
    assertEquals("en.wikipedia.org", s.at("/top_server/server_name").asText());
    assertEquals(17, s.at("/top_server/events").asLong());
    assertEquals(2, s.get("servers").asLong());

    JsonNode hour = json("/api/realtime/summary?window=1h");
    assertEquals(120, hour.get("events").asLong());
    assertEquals(12100, hour.get("bytes").asLong());
    assertEquals("www.wikidata.org", hour.at("/top_server/server_name").asText());

    assertEquals(5, json("/api/realtime/summary?bot=bot").get("events").asLong());
    assertEquals(0.017, json("/api/realtime/summary?bot=bot").get("velocity").asDouble());
    assertEquals(15, json("/api/realtime/summary?bot=human").get("events").asLong());
    assertEquals(3, json("/api/realtime/summary?type=new").get("events").asLong());
    assertEquals(15, json("/api/realtime/summary?namespace=0").get("events").asLong());
    JsonNode de = json("/api/realtime/summary?server=de.wikipedia.org");
    assertEquals(3, de.get("events").asLong());
    assertEquals("de.wikipedia.org", de.at("/filters/server").asText());
    assertEquals(0, json("/api/realtime/summary?server=de.wikipedia.org&bot=bot").get("events").asLong());
    assertTrue(json("/api/realtime/summary?server=de.wikipedia.org&bot=bot").get("top_server").isNull());
  }

  @Test
  void timeseriesHasEveryMinuteOfTheWindow() throws Exception {
    JsonNode points = json("/api/realtime/timeseries?window=5m").get("points");
    assertEquals(
        "2026-11-29T11:56:00Z/0/0/0.0/0/0 2026-11-29T11:57:00Z/0/0/0.0/0/0 2026-11-29T11:58:00Z/0/0/0.0/0/0 "
            + "2026-11-29T11:59:00Z/15/10500/0.25/10300/200 2026-11-29T12:00:00Z/2/0/0.033/0/0",
        compact(points, "minute", "events", "bytes", "events_per_sec", "bytes_added", "bytes_removed"));
    assertEquals(30, json("/api/realtime/timeseries").get("points").size());
    assertEquals(1440, json("/api/realtime/timeseries?window=24h").get("points").size());
  }

  @Test
  void breakdowns() throws Exception {
    assertEquals(
        "en.wikipedia.org/en/wikipedia/17/10500 de.wikipedia.org/de/wikipedia/3/600",
        compact(json("/api/realtime/servers").get("rows"), "server_name", "language", "project", "events", "bytes"));
    assertEquals(
        "www.wikidata.org/100",
        compact(json("/api/realtime/servers?window=1h&limit=1").get("rows"), "server_name", "events"));
    assertEquals("en/17/10500 de/3/600", compact(json("/api/realtime/languages").get("rows"), "language", "events", "bytes"));
    assertEquals(
        "MAJOR/5/10000 MODERATE/3/600 MINOR/12/500",
        compact(json("/api/realtime/severity").get("rows"), "severity", "events", "bytes"));
    assertEquals(
        "MAJOR/0/0 MODERATE/0/0 MINOR/10/500",
        compact(json("/api/realtime/severity?bot=human&namespace=0").get("rows"), "severity", "events", "bytes"));
    JsonNode change = json("/api/realtime/volume-change");
    assertEquals(10900, change.get("bytes_added").asLong());
    assertEquals(200, change.get("bytes_removed").asLong());
    assertEquals(10700, change.get("net").asLong());
    assertEquals(
        "0/Main/15/10500 14/Category/3/600 null/Unknown/2/0",
        compact(json("/api/realtime/namespaces").get("rows"), "namespace", "name", "events", "bytes"));
    assertEquals("edit/15 new/3 log/2", compact(json("/api/realtime/types").get("rows"), "type", "events"));
  }

  @Test
  void engagementCountsUsersWithTenOrMoreEvents() throws Exception {
    JsonNode e = json("/api/realtime/engagement");
    assertEquals("10-19/1 20-49/1 50-99/0 100-499/0 500+/0", compact(e.get("buckets"), "bucket", "users"));
    assertEquals(3, e.get("users_total").asLong());
    JsonNode day = json("/api/realtime/engagement?window=1h");
    assertEquals("10-19/1 20-49/1 50-99/0 100-499/0 500+/1", compact(day.get("buckets"), "bucket", "users"));
    assertEquals(4, day.get("users_total").asLong());
    assertEquals(
        "10-19/1 20-49/0 50-99/0 100-499/0 500+/0",
        compact(json("/api/realtime/engagement?bot=bot").get("buckets"), "bucket", "users"));
  }

  @Test
  void pagesAndBattlefield() throws Exception {
    assertEquals(
        "Alpha/en.wikipedia.org/11/10300 =cmd()/en.wikipedia.org/4/200 Kategorie:X, \"quoted\"/de.wikipedia.org/3/600",
        compact(json("/api/realtime/pages").get("rows"), "title", "server_name", "events", "bytes"));
    assertEquals("Alpha/6", compact(json("/api/realtime/pages?bot=human&limit=1").get("rows"), "title", "events"));
    assertEquals(
        "Alpha/Ann/en.wikipedia.org/120 Beta/BotX/en.wikipedia.org/-50 Kategorie:X/Kurt/de.wikipedia.org/300",
        compact(json("/api/realtime/battlefield").get("rows"), "title", "user_name", "server_name", "length_diff"));
    assertEquals(
        "2026-11-29T12:00:20Z/Alpha",
        compact(json("/api/realtime/battlefield?limit=1").get("rows"), "event_time", "title"));
    // e4 (11:00:00) is before the 1 h window's first minute (11:01).
    assertEquals("Beta", compact(json("/api/realtime/battlefield?window=1h&bot=bot").get("rows"), "title"));
    assertEquals("Q42", compact(json("/api/realtime/battlefield?window=2h&bot=bot&server=www.wikidata.org").get("rows"), "title"));
  }

  @Test
  void spikesFlagOnlyTheWikiFarAboveItsOwnBaseline() throws Exception {
    HttpResponse<String> r = get(spikeServer, "/api/realtime/spikes");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals("2026-11-30T11:55:00Z", body.get("recent_from").asText());
    assertEquals("2026-11-30T08:55:00Z", body.get("baseline_from").asText());
    JsonNode rows = body.get("rows");
    assertEquals(1, rows.size(), r.body());
    JsonNode fr = rows.get(0);
    assertEquals("fr.wikipedia.org", fr.get("server_name").asText());
    assertEquals(30.0, fr.get("recent_per_min").asDouble());
    assertEquals(0.111, fr.get("baseline_per_min").asDouble());
    // mean 20/180, E[x^2] 40/180: stddev sqrt(40/180 - (20/180)^2) = 0.4581
    assertEquals(0.458, fr.get("baseline_stddev").asDouble());
    assertEquals(65.235, fr.get("sigma").asDouble(), 0.01);
    assertEquals(0, JSON.readTree(get(spikeServer, "/api/realtime/spikes?server=it.wikipedia.org").body()).get("rows").size());
    assertEquals(0, json("/api/realtime/spikes").get("rows").size());
  }

  @Test
  void filtersListTheValuesOfTheWindow() throws Exception {
    JsonNode f = json("/api/realtime/filters?window=1h");
    assertEquals("[\"www.wikidata.org\",\"en.wikipedia.org\",\"de.wikipedia.org\"]", f.get("servers").toString());
    assertEquals("0/Main 14/Category", compact(f.get("namespaces"), "namespace", "name"));
    assertEquals("[\"edit\",\"new\",\"log\"]", f.get("types").toString());
  }

  @Test
  void hourlyHistoryJoinsBatchHoursAndRealtimeHoursAtTheSeam() throws Exception {
    JsonNode h = json("/api/historical/hourly?hours=5");
    assertEquals("2026-11-29T11:00:00Z", h.get("seam").asText());
    assertEquals(
        "2026-11-29T08:00:00Z/batch/100/1000/40/60/100.0/1000.0 "
            + "2026-11-29T09:00:00Z/batch/0/0/0/0/50.0/500.0 "
            + "2026-11-29T10:00:00Z/batch/50/500/10/40/50.0/500.0 "
            + "2026-11-29T11:00:00Z/realtime/118/12100/105/13/67.0/3400.0 "
            + "2026-11-29T12:00:00Z/realtime/2/0/0/2/54.0/2720.0",
        compact(h.get("points"), "hour", "source", "total_events", "total_bytes", "bot_events",
            "human_events", "events_24h_avg", "bytes_24h_avg"));
    assertEquals(48, json("/api/historical/hourly").get("points").size());
  }

  @Test
  void hourlyRealtimeHoursAreUtcHoursWhateverTheSessionTimeZone() {
    // PgJDBC gives each session the JVM's time zone; in India (+05:30) an hour truncated in the
    // session's zone starts at :30 UTC and matched no hour of the series (every real-time hour was 0).
    org.postgresql.ds.PGSimpleDataSource kolkata = new org.postgresql.ds.PGSimpleDataSource();
    kolkata.setUrl(db.url);
    kolkata.setUser("wikipulse_reader");
    java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
    Map<String, Object> h;
    try {
      // A new connection per query (no pool), each opened in the JVM's zone of the moment.
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
      h = new HistoricalRepository(new Db(kolkata)).hourly(5, NOW);
    } finally {
      java.util.TimeZone.setDefault(jvmZone);
    }
    List<String> realtime = new ArrayList<>();
    for (Object o : (List<?>) h.get("points")) {
      Map<?, ?> p = (Map<?, ?>) o;
      if ("realtime".equals(p.get("source"))) {
        realtime.add(p.get("hour") + "/" + p.get("total_events") + "/" + p.get("bot_events"));
      }
    }
    assertEquals(List.of("2026-11-29T11:00:00Z/118/105", "2026-11-29T12:00:00Z/2/0"), realtime);
  }

  @Test
  void historicalTables() throws Exception {
    assertEquals(
        "en/wikipedia/300/0.75 de/wikipedia/100/0.25",
        compact(json("/api/historical/languages").get("rows"), "language", "project", "edit_count", "share"));
    assertEquals(
        "1/en.wikipedia.org/25/0.0 2/de.wikipedia.org/7/1.0",
        compact(json("/api/historical/servers").get("rows"), "rank", "server_name", "unique_users", "percentile"));
    assertEquals(
        "Ann/false/50 BotX/true/40 Zed/false/40",
        compact(json("/api/historical/contributors").get("rows"), "user_name", "is_bot", "edit_count"));
    assertEquals("Ann/false/50", compact(json("/api/historical/contributors?limit=1").get("rows"), "user_name", "is_bot", "edit_count"));
    JsonNode runs = json("/api/historical/runs");
    assertEquals("failed/lake unreachable succeeded/ok", compact(runs.get("rows"), "status", "message"));
    assertEquals("2026-11-28T12:00:30Z", runs.at("/last_success/finished_at").asText());
    assertEquals(150, runs.at("/last_success/events_read").asLong());
  }

  @Test
  void statusHealthAndMetricsCarryTheAlertStates() throws Exception {
    JsonNode s = json("/api/status");
    assertEquals("2026-11-29T12:00:20Z", s.get("last_event_time").asText());
    assertEquals(10, s.get("last_event_age_seconds").asLong());
    assertEquals(0.033, s.get("events_per_sec").asDouble());
    assertEquals(120, s.get("events_last_hour").asLong());
    assertEquals(3, s.get("dead_letters_last_hour").asLong());
    assertEquals(0.02439, s.get("dead_letter_rate").asDouble()); // 3 / (120 + 3)
    assertEquals(7000, s.get("consumer_lag").asLong());
    assertEquals(86400, s.get("batch_age_seconds").asLong());
    assertEquals("consumer_lag/warning dead_letter_rate/warning", compact(s.get("alerts"), "name", "severity"));

    JsonNode health = json("/health");
    assertEquals("degraded", health.get("status").asText());
    assertEquals("up", health.get("database").asText());

    JsonNode quiet = JSON.readTree(get(spikeServer, "/health").body());
    // a day later: no event for 24 h; the last batch finished 48 h before, beyond 26 h
    assertEquals("no_events/critical batch_stale/warning", compact(quiet.get("alerts"), "name", "severity"));
    assertNull(quiet.get("consumer_lag").numberValue());

    HttpResponse<String> metrics = get(server, "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = metrics.body();
    assertTrue(text.contains("wikipulse_consumer_lag 7000.0"), text);
    assertTrue(text.contains("wikipulse_dead_letters_last_hour 3.0"), text);
    assertTrue(text.contains("wikipulse_last_event_age_seconds 10.0"), text);
    assertTrue(text.contains("wikipulse_alert{name=\"consumer_lag\"} 1.0"), text);
    assertTrue(text.contains("wikipulse_alert{name=\"no_events\"} 0.0"), text);
    assertTrue(text.contains("wikipulse_http_requests_total{route=\"/api/status\",status=\"200\"}"), text);
  }

  @Test
  void csvExportOfTables() throws Exception {
    HttpResponse<String> r = get(server, "/api/realtime/pages?format=csv");
    assertEquals(200, r.statusCode());
    assertEquals("text/csv; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("attachment; filename=\"wikipulse-pages.csv\"", r.headers().firstValue("Content-Disposition").orElse(""));
    assertEquals(
        "title,server_name,events,bytes\r\n"
            + "Alpha,en.wikipedia.org,11,10300\r\n"
            + "'=cmd(),en.wikipedia.org,4,200\r\n"
            + "\"Kategorie:X, \"\"quoted\"\"\",de.wikipedia.org,3,600\r\n",
        r.body());
    assertTrue(get(server, "/api/historical/servers?format=csv").body().startsWith(
        "server_name,language,project,edit_count,total_bytes,unique_users,rank,percentile\r\n"
            + "en.wikipedia.org,en,wikipedia,300,3000,25,1,0.0\r\n"));
    assertTrue(get(server, "/api/realtime/timeseries?window=5m&format=csv").body().startsWith(
        "minute,events,bytes,events_per_sec,bytes_added,bytes_removed\r\n2026-11-29T11:56:00Z,0,0,0.0,0,0\r\n"));
    assertEquals(400, get(server, "/api/realtime/summary?format=csv").statusCode());
  }

  @Test
  void badParametersGetA400WithAMessageNeverA500() throws Exception {
    String[] bad = {
      "/api/realtime/summary?window=abc", "/api/realtime/summary?window=1m", "/api/realtime/summary?window=25h",
      "/api/realtime/summary?window=99999999999h", "/api/realtime/servers?limit=0", "/api/realtime/servers?limit=-1",
      "/api/realtime/servers?limit=99999999999999999999", "/api/realtime/servers?limit=ten",
      "/api/realtime/pages?limit=501", "/api/realtime/summary?bot=maybe", "/api/realtime/summary?type=drop",
      "/api/realtime/summary?namespace=x", "/api/realtime/summary?namespace=1.5",
      "/api/realtime/summary?server=" + URLEncoder.encode("'; DROP TABLE realtime_minute_rollups;--", StandardCharsets.UTF_8),
      "/api/realtime/summary?server=" + "a".repeat(5000), "/api/realtime/summary?format=xml",
      "/api/realtime/summary?evil=1", "/api/historical/hourly?hours=0", "/api/historical/hourly?hours=721",
      "/api/historical/servers?limit=51", "/api/historical/runs?x=1", "/api/realtime/summary?window=%00",
    };
    for (String path : bad) {
      HttpResponse<String> r = get(server, path);
      assertEquals(400, r.statusCode(), path + " -> " + r.body());
      JsonNode body = JSON.readTree(r.body());
      String message = body.get("error").asText();
      assertFalse(message.isBlank(), path);
      assertFalse(r.body().contains("SELECT") || r.body().contains("Exception") || r.body().contains("at org."), path + " -> " + r.body());
      assertTrue(message.length() < 300, path + " -> " + message);
    }
    HttpResponse<String> missing = get(server, "/api/nothing");
    assertEquals(404, missing.statusCode());
    assertTrue(JSON.readTree(missing.body()).has("error"));
    assertEquals(
        404,
        HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/realtime/summary"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode());
    int traversal = get(server, "/webjars/..%2F..%2Fsimplelogger.properties").statusCode();
    assertTrue(traversal == 400 || traversal == 404, "traversal answered " + traversal);
    // the table is still there
    assertEquals(20, json("/api/realtime/summary").get("events").asLong());
  }

  @Test
  void theServingRoleCannotWrite() throws Exception {
    try (Connection c = db.readerPool().getConnection(); Statement s = c.createStatement()) {
      assertEquals("wikipulse_reader", c.getMetaData().getUserName());
      c.setReadOnly(false);
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM realtime_minute_rollups"));
      assertTrue(e.getMessage().contains("permission denied") || e.getMessage().contains("read-only"), e.getMessage());
    }
    try (Connection c = db.readerPool().getConnection(); Statement s = c.createStatement()) {
      c.setReadOnly(false);
      s.execute("SET default_transaction_read_only = off");
      SQLException e =
          assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM realtime_minute_rollups"));
      assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
    }
  }

  @Test
  void aDatabaseThatDoesNotAnswerIsA503() throws Exception {
    org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/nowhere");
    nowhere.setConnectTimeout(2);
    DashboardServer down = new DashboardServer(new Db(nowhere), Clock.systemUTC(), () -> null, 0, false).start();
    try {
      HttpResponse<String> r = get(down, "/api/realtime/summary");
      assertEquals(503, r.statusCode());
      assertFalse(r.body().contains("Connection") || r.body().contains("Exception"), r.body());
      HttpResponse<String> h = get(down, "/health");
      assertEquals(503, h.statusCode());
      assertEquals("down", JSON.readTree(h.body()).get("status").asText());
    } finally {
      down.stop();
    }
  }

  @Test
  void staticPagesAndTheChartLibraryAreServed() throws Exception {
    HttpResponse<String> index = get(server, "/");
    assertEquals(200, index.statusCode());
    assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
    HttpResponse<String> echarts = get(server, "/webjars/echarts/5.3.1/dist/echarts.min.js");
    assertEquals(200, echarts.statusCode());
    assertTrue(echarts.body().length() > 500_000);
    assertEquals("public, max-age=31536000, immutable", echarts.headers().firstValue("Cache-Control").orElse(""));
  }
}
