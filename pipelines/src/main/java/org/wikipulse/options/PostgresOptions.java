package org.wikipulse.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The PostgreSQL database the pipelines write, and how they batch and retry writes. */
public interface PostgresOptions extends PipelineOptions {
  @Description("JDBC URL of the WikiPulse database (default: $WIKIPULSE_JDBC_URL)")
  @Default.InstanceFactory(EnvDefaults.JdbcUrl.class)
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description(
      "Database role (default: $WIKIPULSE_WRITER_USER or wikipulse_writer, which may write rows but "
          + "not change the schema; created by ./wikipulse migrate)")
  @Default.InstanceFactory(EnvDefaults.DbUser.class)
  String getDbUser();

  void setDbUser(String value);

  @Description("Database password (default: $WIKIPULSE_WRITER_PASSWORD; empty for trust auth)")
  @Default.InstanceFactory(EnvDefaults.DbPassword.class)
  String getDbPassword();

  void setDbPassword(String value);

  @Description("Events per database batch (GroupIntoBatches size)")
  @Default.Integer(100)
  int getJdbcBatchSize();

  void setJdbcBatchSize(int value);

  @Description("Longest time, in milliseconds, a partial batch waits before it is written anyway")
  @Default.Long(1000)
  long getJdbcMaxBufferingMillis();

  void setJdbcMaxBufferingMillis(long value);

  @Description("Number of keys batches are spread over, so writes run on every worker")
  @Default.Integer(4)
  int getJdbcWriteShards();

  void setJdbcWriteShards(int value);
}
