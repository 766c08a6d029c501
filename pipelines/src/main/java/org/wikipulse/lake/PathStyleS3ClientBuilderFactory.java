package org.wikipulse.lake;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.core.retry.backoff.EqualJitterBackoffStrategy;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 client, made to work with S3-compatible servers (S3Proxy, MinIO): path-style bucket
 * addressing (Beam 2.62 has no option for it), and {@link DropDisabledBucketKeyInterceptor} (Beam
 * always sends "bucket key enabled: false", which S3Proxy's filesystem backend rejects). On real
 * S3 both are harmless. Selected with {@code S3Options.setS3ClientFactoryClass}.
 *
 * <p>It also rides out a short S3 outage (a restart, a fail-over): unless a retry policy was
 * configured, {@link #OUTAGE_RETRIES} retries with equal-jitter backoff from 0.5 s to 10 s, about
 * 45 to 85 s in all, instead of the SDK's default 3 within a second. Without them a lake write
 * failed at once, and on Flink a failed write restores the whole job from its last checkpoint (4
 * restores in a 20 s outage in {@code FlinkS3OutageIT}, each re-reading every Kafka partition on
 * Beam 2.62). Past that the write fails and the runner's own recovery takes over.
 */
public class PathStyleS3ClientBuilderFactory implements S3ClientBuilderFactory {
  static final int OUTAGE_RETRIES = 12;

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    // Extend, not replace, the settings Beam made (the Consumer form of overrideConfiguration replaces them in SDK 2.20).
    ClientOverrideConfiguration current = builder.overrideConfiguration();
    ClientOverrideConfiguration.Builder extended =
        current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
    if (current == null || current.retryPolicy().isEmpty()) {
      extended.retryPolicy(
          RetryPolicy.builder()
              .numRetries(OUTAGE_RETRIES)
              .backoffStrategy(
                  EqualJitterBackoffStrategy.builder()
                      .baseDelay(Duration.ofMillis(500))
                      .maxBackoffTime(Duration.ofSeconds(10))
                      .build())
              .build());
    }
    return builder
        .forcePathStyle(true)
        .overrideConfiguration(
            extended.addExecutionInterceptor(new DropDisabledBucketKeyInterceptor()).build());
  }
}
