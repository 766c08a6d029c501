package org.wikipulse.lake;

import java.net.URI;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.wikipulse.options.LakeOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Points Beam's S3 filesystem at the lake's endpoint, region and credentials when the lake is an
 * {@code s3://} URL; a local lake needs nothing. Call before the pipeline is created.
 */
public final class LakeFileSystem {
  public static final String RAW_EVENTS = "raw_events";

  private LakeFileSystem() {}

  public static boolean isS3(String lake) {
    return lake.startsWith("s3://");
  }

  /** The folder that holds the event partitions: {@code <lake>/raw_events}. */
  public static String rawEventsRoot(String lake) {
    String root = lake.endsWith("/") ? lake.substring(0, lake.length() - 1) : lake;
    return root + "/" + RAW_EVENTS;
  }

  public static void configure(LakeOptions options) {
    if (!isS3(options.getLake())) {
      return;
    }
    S3Options s3 = options.as(S3Options.class);
    String endpoint = options.getS3Endpoint();
    if (endpoint != null && !endpoint.isBlank()) {
      s3.setEndpoint(URI.create(endpoint));
    }
    s3.setAwsRegion(Region.of(options.getS3Region()));
    s3.setAwsCredentialsProvider(
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(options.getS3AccessKey(), options.getS3SecretKey())));
    s3.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
  }
}
