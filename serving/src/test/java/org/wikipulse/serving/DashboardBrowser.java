package org.wikipulse.serving;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard in Debian's headless Chromium, in one place for {@link DashboardBrowserIT} (which
 * checks it) and {@code bench.FirstPaintBench} (which times it): how the browser is started, the
 * dashboard's pages, and when a page's charts have drawn. Reads nothing itself; a started browser
 * writes its profile (and so its cache) to a temporary directory of ChromeDriver's, removed on quit.
 */
public final class DashboardBrowser {
  /** The pages the serving module serves, and how many charts each draws. */
  public enum Page {
    REALTIME("/", 11),
    HISTORY("/history.html", 4);

    private final String path;
    private final int charts;

    Page(String path, int charts) {
      this.path = path;
      this.charts = charts;
    }

    public String path() {
      return path;
    }

    public int charts() {
      return charts;
    }
  }

  /**
   * A JavaScript function of the expected chart count: {@code {drawn, charts}}, where {@code charts}
   * is one {@code id:state:points} per {@code .chart} element and {@code drawn} says that the page
   * has exactly that many charts and each one drew a non-empty series (ECharts holds an option with
   * data, and {@code common.js}'s {@code draw} marked the container {@code ready}). Charts are
   * checked in order and stop at the first that is not ready, so an early call costs little.
   */
  static final String CHARTS_FUNCTION =
      "(expected) => {"
          + "  const els = [...document.querySelectorAll('.chart')];"
          + "  const describe = (el) => {"
          + "    const c = typeof echarts === 'undefined' ? null : echarts.getInstanceByDom(el);"
          + "    const o = c && c.getOption();" // no option yet before the first draw, or after a clear
          + "    const series = o ? o.series || [] : [];"
          + "    const points = series.reduce((n, s) => n + (s.data || []).length, 0);"
          + "    return el.id + ':' + el.dataset.state + ':' + points;"
          + "  };"
          + "  const drawn = els.length === expected && els.every((el) => {"
          + "    if (el.dataset.state !== 'ready') return false;"
          + "    const d = describe(el);"
          + "    return d.includes(':ready:') && !d.endsWith(':0');"
          + "  });"
          + "  return { drawn: drawn, charts: drawn ? [] : els.map(describe) };"
          + "}";

  /** What {@link #CHARTS_FUNCTION} found: whether every chart drew, else each chart's state. */
  public record Charts(boolean drawn, List<String> charts) {}

  private DashboardBrowser() {}

  /**
   * Starts Debian's Chromium headless through its own ChromeDriver (a fresh profile: empty cache),
   * with the browser console's messages kept for {@code driver.manage().logs()}.
   */
  public static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1440,1000", "--lang=en-US", "--disable-extensions", "--no-first-run");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Whether the page now in the browser drew all of its charts (see {@link #CHARTS_FUNCTION}). */
  @SuppressWarnings("unchecked")
  public static Charts charts(JavascriptExecutor browser, Page page) {
    Map<String, Object> r = (Map<String, Object>) browser.executeScript(
        "return (" + CHARTS_FUNCTION + ")(arguments[0])", page.charts());
    return new Charts(Boolean.TRUE.equals(r.get("drawn")), (List<String>) r.get("charts"));
  }

  /**
   * A script for {@code Page.addScriptToEvaluateOnNewDocument}: from the document's start, it
   * checks {@link #CHARTS_FUNCTION} whenever a chart's {@code data-state} changes (no polling) and
   * keeps the first time it held, in ms from the navigation's start ({@code performance.now()}), in
   * {@code window.wikipulseChartsDrawnAt}.
   */
  public static String recordChartsDrawn(Page page) {
    return "(() => {"
        + "  const check = " + CHARTS_FUNCTION + ";"
        + "  window.wikipulseChartsDrawnAt = null;"
        + "  const observer = new MutationObserver(() => {"
        + "    if (check(" + page.charts() + ").drawn) {"
        + "      window.wikipulseChartsDrawnAt = performance.now();"
        + "      observer.disconnect();"
        + "    }"
        + "  });"
        + "  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });"
        + "})();";
  }
}
