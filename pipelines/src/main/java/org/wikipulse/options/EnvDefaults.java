package org.wikipulse.options;

import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.wikipulse.common.Settings;

/**
 * Option defaults taken from the {@code WIKIPULSE_*} environment contract ({@link Settings}), so a
 * flag overrides the environment and the environment overrides the built-in default.
 */
public final class EnvDefaults {
  private EnvDefaults() {}

  private static Settings env() {
    return Settings.fromEnvironment();
  }

  public static class KafkaBootstrap implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().kafkaBootstrap();
    }
  }

  public static class Topic implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().topic();
    }
  }

  public static class JdbcUrl implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().jdbcUrl();
    }
  }

  public static class DbUser implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().writerUser();
    }
  }

  public static class DbPassword implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().writerPassword();
    }
  }

  public static class Lake implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().lake();
    }
  }

  public static class S3Endpoint implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().s3Endpoint();
    }
  }

  public static class S3AccessKey implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().s3AccessKey();
    }
  }

  public static class S3SecretKey implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().s3SecretKey();
    }
  }

  public static class S3Region implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().s3Region();
    }
  }

  public static class DataDir implements DefaultValueFactory<String> {
    @Override
    public String create(PipelineOptions options) {
      return env().dataDir().toString();
    }
  }
}
