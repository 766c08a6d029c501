package org.wikipulse.batch;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.wikipulse.lake.LakeFileSystem;
import org.wikipulse.lake.LakePartition;

/**
 * The event times one batch run computes: the half-open interval {@code [from, to)} in UTC, or
 * every event in the lake ({@link #all()}). Knows which lake partitions overlap it, and which
 * hours the hourly trends must cover. Reads and writes nothing.
 */
public final class BatchRange implements Serializable {
  private final @Nullable Instant from;
  private final @Nullable Instant to;

  private BatchRange(@Nullable Instant from, @Nullable Instant to) {
    this.from = from;
    this.to = to;
  }

  public static BatchRange between(Instant from, Instant to) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("--from (" + from + ") must be before --to (" + to + ")");
    }
    return new BatchRange(from, to);
  }

  public static BatchRange all() {
    return new BatchRange(null, null);
  }

  /** The range the options ask for; {@code now} anchors {@code --days}. */
  public static BatchRange of(BatchLayerOptions options, Instant now) {
    boolean fromTo = options.getFrom() != null || options.getTo() != null;
    boolean days = options.getDays() != null;
    if ((options.getAll() ? 1 : 0) + (fromTo ? 1 : 0) + (days ? 1 : 0) > 1) {
      throw new IllegalArgumentException("give only one of --from/--to, --days or --all");
    }
    if (options.getAll()) {
      return all();
    }
    if (fromTo) {
      if (options.getFrom() == null || options.getTo() == null) {
        throw new IllegalArgumentException("--from and --to go together: give both");
      }
      return between(instant("--from", options.getFrom()), instant("--to", options.getTo()));
    }
    int n = days ? options.getDays() : 1;
    if (n < 1) {
      throw new IllegalArgumentException("--days must be at least 1, got " + n);
    }
    return between(now.minus(Duration.standardDays(n)), now);
  }

  /** An ISO-8601 instant ({@code 2026-02-26T15:00:00Z}, or with an offset), or a date (its UTC midnight). */
  static Instant instant(String flag, String value) {
    String v = value.trim();
    try {
      if (v.length() == 10) {
        return new Instant(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
      }
      return new Instant(OffsetDateTime.parse(v).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          flag + " must be an ISO-8601 instant such as 2026-02-26T00:00:00Z (or a date, "
              + "2026-02-26, meaning its midnight UTC), got '" + value + "'");
    }
  }

  public boolean isAll() {
    return from == null;
  }

  /** Start (inclusive), or null for {@link #all()}. */
  public @Nullable Instant from() {
    return from;
  }

  /** End (exclusive), or null for {@link #all()}. */
  public @Nullable Instant to() {
    return to;
  }

  public boolean contains(Instant eventTime) {
    return isAll() || (!eventTime.isBefore(from) && eventTime.isBefore(to));
  }

  /** The first hour the trends cover: the range's start truncated to the hour; null for all. */
  public @Nullable Instant firstHour() {
    return isAll() ? null : HourBucket.of(from);
  }

  /** The last hour the trends cover: the hour of the range's last millisecond; null for all. */
  public @Nullable Instant lastHour() {
    return isAll() ? null : HourBucket.of(to.minus(1));
  }

  /**
   * The lake partitions ({@code year=YYYY/month=MM}) that can hold events of the range, in order;
   * for {@link #all()} the glob over every partition.
   */
  public List<String> partitions() {
    if (isAll()) {
      return List.of("year=*/month=*");
    }
    List<String> partitions = new ArrayList<>();
    YearMonth last = yearMonth(to.minus(1));
    for (YearMonth m = yearMonth(from); !m.isAfter(last); m = m.plusMonths(1)) {
      partitions.add(LakePartition.of(m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()));
    }
    return partitions;
  }

  /** The Parquet file patterns of {@link #partitions()} under the lake root {@code lake}. */
  public List<String> filePatterns(String lake) {
    String root = LakeFileSystem.rawEventsRoot(lake);
    return partitions().stream().map(p -> root + "/" + p + "/*.parquet").toList();
  }

  private static YearMonth yearMonth(Instant t) {
    return YearMonth.from(java.time.Instant.ofEpochMilli(t.getMillis()).atZone(ZoneOffset.UTC));
  }

  @Override
  public String toString() {
    return isAll() ? "all events" : "[" + from + ", " + to + ")";
  }
}
