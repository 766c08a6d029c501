package org.wikipulse.speed;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;

/**
 * The counts of a finished speed-layer run, from the job's counters: records parsed and invalid,
 * events kept and filtered (per reason), repeats dropped, dead letters written, and events dropped
 * as later than the allowed lateness (the runner's own counter: {@code DroppedDueToLateness} on the
 * DirectRunner, {@code droppedDueToLateness} in runners-core). Printed when a bounded run
 * ({@code --maxRecords}) ends, so nothing is dropped without a number next to it.
 */
public final class RunSummary {
  private RunSummary() {}

  /** Every counter of the job summed over steps, by counter name (lower case). */
  public static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> sums = new TreeMap<>();
    for (MetricResult<Long> c : result.metrics().allMetrics().getCounters()) {
      Long value;
      try {
        value = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        value = c.getAttempted();
      }
      if (value == null) {
        value = c.getAttempted();
      }
      sums.merge(c.getName().getName().toLowerCase(java.util.Locale.ROOT), value == null ? 0 : value, Long::sum);
    }
    return sums;
  }

  /** Events the runner dropped for arriving after the allowed lateness (per windowed aggregation). */
  public static long droppedLate(PipelineResult result) {
    return counters(result).getOrDefault("droppedduetolateness", 0L);
  }

  /** One line for the console. */
  public static String describe(PipelineResult result) {
    Map<String, Long> c = counters(result);
    StringBuilder filtered = new StringBuilder();
    c.forEach(
        (name, value) -> {
          if (name.startsWith("dropped_") && value > 0) {
            filtered.append(filtered.length() == 0 ? "" : ", ").append(name.substring(8)).append(' ').append(value);
          }
        });
    return String.format(
        "speed layer finished: parsed=%d invalid=%d kept=%d filtered=%d (%s) repeats_dropped=%d "
            + "dead_letters=%d dropped_late=%d (counted once per windowed aggregation)",
        c.getOrDefault("parsed", 0L), c.getOrDefault("invalid", 0L), c.getOrDefault("kept", 0L),
        c.entrySet().stream().filter(e -> e.getKey().startsWith("dropped_")).mapToLong(Map.Entry::getValue).sum(),
        filtered.length() == 0 ? "none" : filtered, c.getOrDefault("repeats_dropped", 0L),
        c.getOrDefault("dead_letters", 0L), c.getOrDefault("droppedduetolateness", 0L));
  }
}
