package org.wikipulse.batch;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.wikipulse.options.LakeOptions;
import org.wikipulse.options.PostgresOptions;

/**
 * Options of the batch layer: the lake it reads, the database it writes, and the range of event
 * times to compute: {@code --from/--to}, {@code --days} or {@code --all} (see {@link BatchRange}).
 */
public interface BatchLayerOptions extends LakeOptions, PostgresOptions {
  @Description(
      "Start of the range (inclusive), an ISO-8601 instant such as 2026-02-26T00:00:00Z; "
          + "needs --to")
  String getFrom();

  void setFrom(String value);

  @Description("End of the range (exclusive), an ISO-8601 instant; needs --from")
  String getTo();

  void setTo(String value);

  @Description(
      "Compute the last N days, counted back from now (default 1 when neither --from/--to nor "
          + "--all is given)")
  Integer getDays();

  void setDays(Integer value);

  @Description("Compute every event in the lake")
  @Default.Boolean(false)
  boolean getAll();

  void setAll(boolean value);

  @Description("Rows per INSERT batch when staging results in PostgreSQL")
  @Default.Integer(1000)
  int getStagingBatchSize();

  void setStagingBatchSize(int value);
}
