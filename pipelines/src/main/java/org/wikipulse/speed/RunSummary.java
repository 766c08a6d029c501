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

  /**
   * Where every record read went. Each record read ends in exactly one place, so
   * {@code read = unique + repeatsDropped + filtered + deadLettered} holds exactly for a finished
   * run: parsed records are kept or filtered (per {@code DropReason}), kept ones are unique or a
   * repeat of an id already seen, and every record that failed to parse is one dead letter.
   * {@code unique} is what the real-time table receives (kept minus repeats).
   */
  public record Counts(
      long read,
      long parsed,
      long invalid,
      long kept,
      /** By DropReason metric name ({@code dropped_talk_page} ...). */
      Map<String, Long> filteredByReason,
      long repeatsDropped,
      long deadLettered) {

    public long filtered() {
      return filteredByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long unique() {
      return kept - repeatsDropped;
    }

    /** True when every record read is accounted for, once: the identity above and its parts. */
    public boolean balances() {
      return read == parsed + invalid
          && parsed == kept + filtered()
          && invalid == deadLettered
          && read == unique() + repeatsDropped + filtered() + deadLettered;
    }
  }

  /** The run's {@link Counts}, from its counters. */
  public static Counts counts(PipelineResult result) {
    Map<String, Long> c = counters(result);
    Map<String, Long> filtered = new TreeMap<>();
    c.forEach(
        (name, value) -> {
          if (name.startsWith("dropped_")) {
            filtered.put(name, value);
          }
        });
    return new Counts(
        c.getOrDefault("read", 0L),
        c.getOrDefault("parsed", 0L),
        c.getOrDefault("invalid", 0L),
        c.getOrDefault("kept", 0L),
        filtered,
        c.getOrDefault("repeats_dropped", 0L),
        c.getOrDefault("dead_letters", 0L));
  }

  /**
   * Elements the runner dropped for arriving after the allowed lateness, per windowed aggregation:
   * events in the traffic windows ({@code droppedDueToLateness}), a bundle's partial sum of a key in
   * the minute rollups ({@code StatefulParDoDropped}).
   */
  public static long droppedLate(PipelineResult result) {
    Map<String, Long> c = counters(result);
    return c.getOrDefault("droppedduetolateness", 0L) + c.getOrDefault("statefulpardodropped", 0L);
  }

  /** One line for the console: the identity of {@link Counts}, then the runner's lateness drops. */
  public static String describe(PipelineResult result) {
    Counts c = counts(result);
    StringBuilder filtered = new StringBuilder();
    c.filteredByReason()
        .forEach(
            (reason, value) -> {
              if (value > 0) {
                filtered
                    .append(filtered.length() == 0 ? "" : ", ")
                    .append(reason.substring("dropped_".length()))
                    .append(' ')
                    .append(value);
              }
            });
    return String.format(
        "speed layer finished: read=%d = unique %d + repeats_dropped %d + filtered %d (%s) + "
            + "dead_letters %d%s; parsed=%d invalid=%d kept=%d dropped_late=%d "
            + "(counted once per windowed aggregation)",
        c.read(), c.unique(), c.repeatsDropped(), c.filtered(),
        filtered.length() == 0 ? "none" : filtered, c.deadLettered(),
        c.balances() ? "" : " (DOES NOT BALANCE)", c.parsed(), c.invalid(), c.kept(),
        droppedLate(result));
  }
}
