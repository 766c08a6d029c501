package org.wikipulse.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The Parquet data lake: where it is, and how the S3 endpoint is reached. */
public interface LakeOptions extends PipelineOptions {
  @Description(
      "Lake root: s3://bucket[/prefix] or a local folder; events go under raw_events/ "
          + "(default: $WIKIPULSE_LAKE or s3://wikipulse-lake)")
  @Default.InstanceFactory(EnvDefaults.Lake.class)
  String getLake();

  void setLake(String value);

  @Description("S3 endpoint for s3:// lakes, e.g. S3Proxy or MinIO (default: $WIKIPULSE_S3_ENDPOINT)")
  @Default.InstanceFactory(EnvDefaults.S3Endpoint.class)
  String getS3Endpoint();

  void setS3Endpoint(String value);

  @Description("S3 access key (default: $WIKIPULSE_S3_ACCESS_KEY)")
  @Default.InstanceFactory(EnvDefaults.S3AccessKey.class)
  String getS3AccessKey();

  void setS3AccessKey(String value);

  @Description("S3 secret key (default: $WIKIPULSE_S3_SECRET_KEY)")
  @Default.InstanceFactory(EnvDefaults.S3SecretKey.class)
  String getS3SecretKey();

  void setS3SecretKey(String value);

  @Description("S3 region (default: $WIKIPULSE_S3_REGION or us-east-1)")
  @Default.InstanceFactory(EnvDefaults.S3Region.class)
  String getS3Region();

  void setS3Region(String value);
}
