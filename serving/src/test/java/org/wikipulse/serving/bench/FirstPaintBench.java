package org.wikipulse.serving.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.openqa.selenium.chrome.ChromeDriver;
import org.wikipulse.serving.DashboardBrowser;
import org.wikipulse.serving.DashboardBrowser.Page;

/**
 * Benchmark, not a test (its name matches no test pattern): how fast each dashboard page shows
 * something and then its data, in Debian's headless Chromium, against a running {@code ./wikipulse
 * serve}. Reads the pages and their API calls from the given base URL; writes a report to stdout.
 *
 * <p>Per page, {@code --runs} loads each in a fresh browser (new Chromium process, empty profile:
 * cold cache) and then as many in one warm browser (after two unmeasured loads: its HTTP cache and
 * V8's code cache hold the page's scripts; static files may be cached for 60 s, the API answers
 * never are). Each load reports, in ms from the navigation's start: first paint and first contentful
 * paint ({@code performance.getEntriesByType('paint')}), DOMContentLoaded and load (the end of each
 * event, Navigation Timing), and "charts drawn": the first time the condition that {@code
 * DashboardBrowserIT} waits for held ({@link DashboardBrowser#CHARTS_FUNCTION}), recorded inside the
 * page when a chart's state changes. Median and max per page and mode.
 *
 * <pre>{@code
 * java -cp serving/target/test-classes:serving/target/classes:$(cat serving/target/test-classpath.txt) \
 *   org.wikipulse.serving.bench.FirstPaintBench --base-url http://127.0.0.1:8080 [--runs 5] [--timeout 30]
 * }</pre>
 */
public final class FirstPaintBench {
  /**
   * Unmeasured loads before the warm ones: the first fills the HTTP cache, the second lets V8 cache
   * the compiled scripts (Chromium keeps code only for a script it has run twice); after that the
   * loads are alike.
   */
  private static final int WARM_UP_LOADS = 2;

  /** Once every chart has a state but not all drew data, how long to wait before giving up. */
  private static final Duration SETTLED_GRACE = Duration.ofSeconds(3);

  private static final String MEASURE =
      "const nav = performance.getEntriesByType('navigation')[0];"
          + "const paint = (n) => { const e = performance.getEntriesByName(n, 'paint')[0]; return e ? e.startTime : null; };"
          + "const els = [...document.querySelectorAll('.chart')];"
          + "return { fp: paint('first-paint'), fcp: paint('first-contentful-paint'),"
          + "  dcl: nav && nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,"
          + "  load: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null,"
          + "  charts: window.wikipulseChartsDrawnAt === undefined ? null : window.wikipulseChartsDrawnAt,"
          + "  settled: els.length > 0 && els.every((el) => !!el.dataset.state) };";

  /**
   * One page load's figures in ms from the navigation's start (null: not seen), and the charts'
   * states when they did not all draw.
   */
  record Load(Double fp, Double fcp, Double dcl, Double load, Double charts, List<String> notDrawn) {}

  private final String base;
  private final int runs;
  private final Duration timeout;

  FirstPaintBench(String base, int runs, Duration timeout) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.runs = runs;
    this.timeout = timeout;
  }

  public static void main(String[] args) throws Exception {
    String base = null;
    int runs = 5;
    int timeoutSeconds = 30;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--base-url" -> base = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--timeout" -> timeoutSeconds = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: FirstPaintBench --base-url URL [--runs N] [--timeout S]");
          System.exit(2);
        }
      }
    }
    if (base == null || runs < 1) {
      System.err.println("usage: FirstPaintBench --base-url URL [--runs N] [--timeout S]");
      System.exit(2);
    }
    new FirstPaintBench(base, runs, Duration.ofSeconds(timeoutSeconds)).run();
  }

  void run() throws Exception {
    String loadBefore = loadAverage();
    System.out.printf("== first paint: %s, %d cores, load %s, %d cold + %d warm loads per page%n",
        base, Runtime.getRuntime().availableProcessors(), loadBefore, runs, runs);
    Map<Page, List<Load>> cold = new EnumMap<>(Page.class);
    Map<Page, List<Load>> warm = new EnumMap<>(Page.class);
    for (Page page : Page.values()) {
      List<Load> c = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        ChromeDriver browser = browserFor(page);
        try {
          if (page == Page.values()[0] && i == 0) {
            System.out.println("   browser: Chromium " + browser.getCapabilities().getBrowserVersion() + ", headless");
          }
          c.add(report(page, "cold", i + 1, load(browser, page)));
        } finally {
          browser.quit();
        }
      }
      cold.put(page, c);
      List<Load> w = new ArrayList<>();
      ChromeDriver browser = browserFor(page);
      try {
        for (int i = 0; i < WARM_UP_LOADS; i++) {
          load(browser, page); // not measured
        }
        for (int i = 0; i < runs; i++) {
          w.add(report(page, "warm", i + 1, load(browser, page)));
        }
      } finally {
        browser.quit();
      }
      warm.put(page, w);
    }

    System.out.printf("%n%-14s %-5s %15s %15s %15s %15s %17s%n",
        "page", "cache", "first_paint", "first_content", "dom_loaded", "load", "charts_drawn");
    System.out.printf("%-14s %-5s %15s %15s %15s %15s %17s%n", "", "", "med/max ms", "med/max ms",
        "med/max ms", "med/max ms", "med/max ms");
    for (Page page : Page.values()) {
      summary(page, "cold", cold.get(page));
      summary(page, "warm", warm.get(page));
    }
    System.out.printf("== load average before %s, after %s; ms from the navigation's start; charts_drawn: every"
        + " chart drew data (n/N: drawn in n of N loads)%n", loadBefore, loadAverage());
  }

  /** A fresh browser that records, on every page it loads, when that page's charts drew. */
  private static ChromeDriver browserFor(Page page) {
    ChromeDriver browser = DashboardBrowser.start();
    browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        Map.of("source", DashboardBrowser.recordChartsDrawn(page)));
    return browser;
  }

  /**
   * Loads the page and waits until its charts drew, or every chart settled without all of them
   * drawing data (then {@link #SETTLED_GRACE}), or the timeout: a missing figure is null.
   */
  @SuppressWarnings("unchecked")
  private Load load(ChromeDriver browser, Page page) throws InterruptedException {
    browser.get("about:blank");
    browser.get(base + page.path());
    long deadline = System.nanoTime() + timeout.toNanos();
    long settledSince = 0;
    Map<String, Object> m;
    while (true) {
      m = (Map<String, Object>) browser.executeScript(MEASURE);
      boolean done = m.get("charts") != null && m.get("load") != null && m.get("fcp") != null;
      if (done || System.nanoTime() > deadline) {
        break;
      }
      if (Boolean.TRUE.equals(m.get("settled")) && m.get("load") != null) {
        settledSince = settledSince == 0 ? System.nanoTime() : settledSince;
        if (System.nanoTime() - settledSince > SETTLED_GRACE.toNanos()) {
          break;
        }
      } else {
        settledSince = 0;
      }
      Thread.sleep(100);
    }
    Double charts = num(m.get("charts"));
    List<String> notDrawn = charts == null ? DashboardBrowser.charts(browser, page).charts() : List.of();
    return new Load(num(m.get("fp")), num(m.get("fcp")), num(m.get("dcl")), num(m.get("load")), charts, notDrawn);
  }

  private static Load report(Page page, String mode, int run, Load l) {
    System.out.printf("   %-14s %s #%d: first paint %s, first contentful %s, DOMContentLoaded %s, load %s, charts drawn %s ms%n",
        page.path(), mode, run, ms(l.fp()), ms(l.fcp()), ms(l.dcl()), ms(l.load()), ms(l.charts()));
    if (!l.notDrawn().isEmpty()) {
      System.out.println("      charts not all drawn: " + l.notDrawn());
    }
    return l;
  }

  private static void summary(Page page, String mode, List<Load> loads) {
    System.out.printf("%-14s %-5s %15s %15s %15s %15s %17s%n", page.path(), mode,
        stat(loads.stream().map(Load::fp).toList()), stat(loads.stream().map(Load::fcp).toList()),
        stat(loads.stream().map(Load::dcl).toList()), stat(loads.stream().map(Load::load).toList()),
        stat(loads.stream().map(Load::charts).toList()));
  }

  /** Median/max of the values seen; "(n/N)" when some loads did not reach it. */
  static String stat(List<Double> values) {
    double[] seen = values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).sorted().toArray();
    if (seen.length == 0) {
      return "-";
    }
    int n = seen.length;
    double median = n % 2 == 1 ? seen[n / 2] : (seen[n / 2 - 1] + seen[n / 2]) / 2;
    OptionalDouble max = Arrays.stream(seen).max();
    String s = String.format(Locale.ROOT, "%.0f/%.0f", median, max.getAsDouble());
    return n == values.size() ? s : s + " (" + n + "/" + values.size() + ")";
  }

  private static Double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : null;
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
