package org.wikipulse.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wikipulse.common.Settings;
import org.wikipulse.sql.Databases;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through its ChromeDriver by
 * Selenium, loads both pages from a {@link DashboardServer} on port 0 that reads a database of its
 * own ({@code wikipulse_it_dash_<pid>}, seeded by {@link DashboardFixture} relative to the real
 * clock) as the read-only role. Checks that every chart drew data, that the KPIs equal the seeded
 * totals, that a filter and the time range change them to the filtered totals and survive a
 * reload, that titles and user names with markup are shown as text, that the CSV links export what
 * is on screen, and that the browser logged no error. Screenshots: {@code target/screenshots/}.
 */
class DashboardBrowserIT {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardBrowserIT.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static SeededDatabase db;
  private static DashboardFixture fixture;
  private static DashboardServer server;
  private static ChromeDriver driver;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    db = new SeededDatabase("dash");
    long t1 = System.nanoTime();
    Settings admin = Settings.fromEnvironment();
    try (Connection c = Databases.connect(db.url + "?reWriteBatchedInserts=true", admin.dbUser(), admin.dbPassword())) {
      fixture = DashboardFixture.seed(c, Instant.now());
    }
    long t2 = System.nanoTime();
    server = new DashboardServer(new Db(db.readerPool()), Clock.systemUTC(), () -> 42L, 0, false).start();
    base = "http://127.0.0.1:" + server.port();

    driver = DashboardBrowser.start();
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    LOG.info("set-up: database {} ms, {} events seeded in {} ms, service and browser {} ms",
        (t1 - t0) / 1_000_000, fixture.events().size(), (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      try {
        if (server != null) {
          server.stop();
        }
      } finally {
        if (db != null) {
          db.close();
        }
      }
    }
  }

  @Test
  void realtimePageShowsTheSeededDataAndFilters() throws Exception {
    driver.get(base + DashboardBrowser.Page.REALTIME.path());
    awaitCharts(DashboardBrowser.Page.REALTIME);
    awaitTables("t-pages-table", "t-spikes-table");
    new WebDriverWait(driver, WAIT).until(d -> "ready".equals(attr("h-alerts", "data-state")));

    // KPIs equal the seeded totals of the default window (30 min).
    awaitKpi("kpi-events", at -> Long.toString(fixture.eventsInWindow(at, 30, e -> true)));
    awaitKpi("kpi-mib", at -> Double.toString(mib(fixture.bytesInWindow(at, 30, e -> true))));
    assertEquals("en.wikipedia.org", attr("kpi-top", "data-value"));
    assertEquals("1", attr("kpi-spikes", "data-value"));
    assertTrue(text("t-spikes").contains(DashboardFixture.SPIKING_SERVER), () -> text("t-spikes"));
    assertEquals("all clear", text("h-alerts"));
    assertEquals("42", text("h-lag"));
    assertEquals("12", attr("c-servers", "data-points")); // top 12 of the 14 wikis

    // Untrusted text is shown as text: the most edited page's title has markup in it.
    // (read in one script: the table is rebuilt at every poll)
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) driver).executeScript(
        "return [...document.querySelectorAll('#t-pages td.title')].some((td) => td.textContent === arguments[0])",
        DashboardFixture.XSS_TITLE), () -> text("t-pages"));
    assertNoInjectedMarkup();
    // ...and so is the battlefield tooltip's (ECharts builds it as HTML).
    script("const c = echarts.getInstanceByDom(document.getElementById('c-battlefield'));"
        + "const i = c.getOption().series[0].data.findIndex((d) => d.row.title.startsWith('<img'));"
        + "c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});");
    String tipProbe = "const tips = [...document.querySelectorAll('#c-battlefield div')]"
        + ".filter((d) => d.children.length && d.textContent.includes('pwned'));"
        + "return tips.length ? tips[tips.length - 1].textContent : null;";
    new WebDriverWait(driver, WAIT).until(d -> script(tipProbe) != null);
    String tooltip = (String) script(tipProbe);
    assertTrue(tooltip.contains(DashboardFixture.XSS_TITLE), tooltip);
    assertNoInjectedMarkup();
    script("echarts.getInstanceByDom(document.getElementById('c-battlefield')).dispatchAction({type: 'hideTip'})");
    screenshot("realtime");
    phoneScreenshot("realtime-phone");

    // A filter: one wiki. Every KPI follows, and the URL keeps it.
    new WebDriverWait(driver, WAIT).until(d -> !d.findElements(By.cssSelector("#f-server option[value='de.wikipedia.org']")).isEmpty());
    new Select(driver.findElement(By.id("f-server"))).selectByValue("de.wikipedia.org");
    Predicate<DashboardFixture.Event> de = e -> e.server().equals("de.wikipedia.org");
    awaitKpi("kpi-events", at -> Long.toString(fixture.eventsInWindow(at, 30, de)));
    awaitKpi("kpi-top", at -> "de.wikipedia.org");
    assertTrue(driver.getCurrentUrl().endsWith("#server=de.wikipedia.org"), driver.getCurrentUrl());
    awaitChartPoints("c-servers", "1");

    // The time range and a second filter; then a reload keeps all of it.
    driver.findElement(By.cssSelector("#ranges button[data-window='1h']")).click();
    new Select(driver.findElement(By.id("f-bot"))).selectByValue("human");
    Predicate<DashboardFixture.Event> deHumans = de.and(e -> !e.bot());
    awaitKpi("kpi-events", at -> Long.toString(fixture.eventsInWindow(at, 60, deHumans)));
    driver.navigate().refresh();
    awaitKpi("kpi-events", at -> Long.toString(fixture.eventsInWindow(at, 60, deHumans)));
    assertEquals("de.wikipedia.org", new Select(driver.findElement(By.id("f-server"))).getFirstSelectedOption().getAttribute("value"));
    assertEquals("human", new Select(driver.findElement(By.id("f-bot"))).getFirstSelectedOption().getAttribute("value"));
    assertEquals("true", driver.findElement(By.cssSelector("#ranges button[data-window='1h']")).getAttribute("aria-pressed"));

    // The CSV link exports the table on screen: same window and filters.
    String csvHref = driver.findElement(By.cssSelector("a.csv[data-csv='pages']")).getAttribute("href");
    assertTrue(csvHref.contains("format=csv") && csvHref.contains("server=de.wikipedia.org")
        && csvHref.contains("bot=human") && csvHref.contains("window=1h"), csvHref);
    HttpResponse<String> csv = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(csvHref)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, csv.statusCode());
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    assertTrue(csv.body().startsWith("title,server_name,events,bytes\r\n"), csv.body());
    assertTrue(csv.body().contains(",de.wikipedia.org,"), csv.body());

    // Reset: back to every wiki over 30 minutes.
    driver.findElement(By.id("f-reset")).click();
    awaitKpi("kpi-events", at -> Long.toString(fixture.eventsInWindow(at, 30, e -> true)));
    assertEquals(base + "/", driver.getCurrentUrl());

    assertNoBrowserErrors();
  }

  @Test
  void historyPageJoinsBothLayersAndShowsTheBatchTables() throws Exception {
    driver.get(base + DashboardBrowser.Page.HISTORY.path());
    awaitCharts(DashboardBrowser.Page.HISTORY);
    awaitTables("t-servers-table", "t-contributors-table", "t-runs-table");

    assertEquals("15", attr("t-servers-table", "data-rows"));
    assertEquals("50", attr("t-contributors-table", "data-rows"));
    assertEquals("2", attr("t-runs-table", "data-rows"));
    assertTrue(text("runs-summary").startsWith("Last successful run:"), text("runs-summary"));
    assertTrue(text("t-contributors").contains(DashboardFixture.XSS_USER), "the user name with markup is shown as text");
    assertNoInjectedMarkup();
    assertEquals("20", script("return document.getElementById('c-languages').dataset.points"));

    // 48 hourly points; the seam between the batch hours and the real-time hours is marked.
    assertEquals(48L, script(
        "return echarts.getInstanceByDom(document.getElementById('c-hourly')).getOption().series[0].data.length"));
    String seam = (String) script(
        "const o = echarts.getInstanceByDom(document.getElementById('c-hourly')).getOption();"
            + "return new Date(o.series[0].markLine.data[0].xAxis).toISOString();");
    assertEquals(fixture.seam().toString(), seam.replace(".000Z", "Z"));
    // The batch hours among the last 48: 45, the batch range ending 2 h before the current hour.
    long batchHours = Duration.between(
        Instant.now().truncatedTo(ChronoUnit.HOURS).minus(47, ChronoUnit.HOURS), fixture.seam()).toHours();
    assertTrue(text("seam-note").startsWith(batchHours + " h from the batch layer"), text("seam-note"));
    screenshot("history");
    phoneScreenshot("history-phone");

    // The hours picker: 7 days, kept in the URL.
    driver.findElement(By.cssSelector("#ranges button[data-hours='168']")).click();
    new WebDriverWait(driver, WAIT).until(d -> Long.valueOf(168).equals(script(
        "return echarts.getInstanceByDom(document.getElementById('c-hourly')).getOption().series[0].data.length")));
    assertTrue(driver.getCurrentUrl().endsWith("#hours=168"), driver.getCurrentUrl());

    // Navigation between the pages.
    driver.findElement(By.linkText("Real-time")).click();
    new WebDriverWait(driver, WAIT).until(d -> "realtime".equals(script("return document.body.dataset.page")));
    assertNoBrowserErrors();
  }

  /* ---------- helpers ---------- */

  private static double mib(long bytes) {
    return Math.round(bytes / 1_048_576.0 * 1000) / 1000.0;
  }

  /** Waits until every chart of the page drew a non-empty series ({@link DashboardBrowser#charts}). */
  private static void awaitCharts(DashboardBrowser.Page page) {
    try {
      new WebDriverWait(driver, WAIT).until(d -> DashboardBrowser.charts(driver, page).drawn());
    } catch (TimeoutException e) {
      throw new AssertionError("charts not all drawn with data: " + DashboardBrowser.charts(driver, page).charts()
          + "; browser log: " + browserLog(), e);
    }
  }

  private static void awaitTables(String... ids) {
    for (String id : ids) {
      try {
        new WebDriverWait(driver, WAIT).until(d -> "ready".equals(attr(id, "data-state")));
      } catch (TimeoutException e) {
        throw new AssertionError("table " + id + " has no rows: state " + attr(id, "data-state"), e);
      }
    }
  }

  /**
   * Waits until the KPI's data-value equals the expected value at the current time (the window ends
   * now: when a minute boundary passes between two checks, the page catches up at its next poll).
   */
  private static void awaitKpi(String id, java.util.function.Function<Instant, String> expected) {
    try {
      new WebDriverWait(driver, WAIT).until(d -> expected.apply(Instant.now()).equals(attr(id, "data-value")));
    } catch (TimeoutException e) {
      throw new AssertionError(
          id + " shows '" + attr(id, "data-value") + "', expected '" + expected.apply(Instant.now()) + "'", e);
    }
  }

  private static void awaitChartPoints(String id, String points) {
    new WebDriverWait(driver, WAIT).until(d -> points.equals(attr(id, "data-points")));
  }

  private static String attr(String id, String name) {
    return driver.findElement(By.id(id)).getAttribute(name);
  }

  /** An element's text, read in one script (tables are rebuilt at every poll: no stale elements). */
  private static String text(String id) {
    return (String) ((JavascriptExecutor) driver).executeScript(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent.trim() : null", id);
  }

  private static Object script(String js) {
    return ((JavascriptExecutor) driver).executeScript(js);
  }

  /** No element, script or title change came from the markup in the seeded titles and user names. */
  private static void assertNoInjectedMarkup() {
    assertEquals(0L, script("return document.querySelectorAll('img').length"));
    assertFalse(((String) script("return document.title")).contains("pwned"));
    assertNull(script("return window.pwned === undefined ? null : String(window.pwned)"));
  }

  private static List<String> browserLog() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      out.add(e.getLevel() + " " + e.getMessage());
    }
    return out;
  }

  /** Errors in the browser console: script errors, failed loads, CSP violations. */
  private static void assertNoBrowserErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertEquals(List.of(), errors, "browser console errors");
  }

  /** The whole page at a laptop's width: the viewport is made as tall as the document. */
  private static void screenshot(String name) throws Exception {
    long height = (Long) script("return Math.min(6000, document.documentElement.scrollHeight)");
    shoot(name, 1440, (int) height, false);
  }

  /** The top of the page as a phone shows it (for people to look at; not checked). */
  private static void phoneScreenshot(String name) throws Exception {
    shoot(name, 390, 1400, true);
  }

  /**
   * Emulates a viewport of this size (a headless window cannot be taller than its virtual screen),
   * lets ECharts redraw at the new size (it resizes on the resize event, then animates for 300 ms),
   * saves the shot, and restores the window's own viewport.
   */
  private static void shoot(String name, int width, int height, boolean mobile) throws Exception {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    try {
      Thread.sleep(800);
      Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }
}
