package org.wikipulse.speed;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.wikipulse.options.KafkaSourceOptions;
import org.wikipulse.options.LakeOptions;
import org.wikipulse.options.PostgresOptions;

/** Options of the speed layer: its source, its database, its lake, and its windows. */
public interface SpeedLayerOptions extends KafkaSourceOptions, PostgresOptions, LakeOptions {
  @Description("Length of the traffic-volume event-time windows, in seconds")
  @Default.Long(10)
  long getTrafficWindowSeconds();

  void setTrafficWindowSeconds(long value);

  @Description(
      "How late an event may arrive and still correct its traffic window and its minute rollups, in seconds")
  @Default.Long(300)
  long getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(long value);

  @Description("How often a traffic window still open reports its running total, in seconds")
  @Default.Long(2)
  long getEarlyFiringSeconds();

  void setEarlyFiringSeconds(long value);

  @Description(
      "How often the minute rollups rewrite the rows whose running totals changed (cube, pages, users), "
          + "in seconds; a minute's rows are written once more when it closes")
  @Default.Long(5)
  long getRollupEarlyFiringSeconds();

  void setRollupEarlyFiringSeconds(long value);

  @Description("How long an event id is remembered to drop repeats, in minutes")
  @Default.Long(30)
  long getDedupMinutes();

  void setDedupMinutes(long value);

  @Description("Length of the windows that group lake files, in seconds")
  @Default.Long(60)
  long getLakeWindowSeconds();

  void setLakeWindowSeconds(long value);

  @Description("Parquet files written per lake window and partition")
  @Default.Integer(1)
  int getLakeShards();

  void setLakeShards(int value);

  @Description("Write the Parquet lake (false: database tables only)")
  @Default.Boolean(true)
  boolean getWriteLake();

  void setWriteLake(boolean value);
}
