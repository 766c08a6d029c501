package org.wikipulse.lake;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 client, made to work with S3-compatible servers (S3Proxy, MinIO): path-style bucket
 * addressing (Beam 2.62 has no option for it), and {@link DropDisabledBucketKeyInterceptor} (Beam
 * always sends "bucket key enabled: false", which S3Proxy's filesystem backend rejects). On real
 * S3 both are harmless. Selected with {@code S3Options.setS3ClientFactoryClass}.
 */
public class PathStyleS3ClientBuilderFactory implements S3ClientBuilderFactory {
  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    // Extend, not replace, the settings Beam made (the Consumer form of overrideConfiguration replaces them in SDK 2.20).
    ClientOverrideConfiguration current = builder.overrideConfiguration();
    ClientOverrideConfiguration.Builder extended =
        current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
    return builder
        .forcePathStyle(true)
        .overrideConfiguration(
            extended.addExecutionInterceptor(new DropDisabledBucketKeyInterceptor()).build());
  }
}
