package org.wikipulse.lake;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Removes {@code x-amz-server-side-encryption-bucket-key-enabled: false} from uploads. Beam 2.62's
 * {@code S3Options.getBucketKeyEnabled()} is a primitive false by default, so Beam always sends the
 * header; S3Proxy's filesystem backend answers 501 to any SSE header. Only a {@code false} is
 * removed (a no-op on real S3); {@code true} and every other encryption setting pass through.
 */
public class DropDisabledBucketKeyInterceptor implements ExecutionInterceptor {
  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (request instanceof CreateMultipartUploadRequest r && Boolean.FALSE.equals(r.bucketKeyEnabled())) {
      return r.toBuilder().bucketKeyEnabled(null).build();
    }
    if (request instanceof PutObjectRequest r && Boolean.FALSE.equals(r.bucketKeyEnabled())) {
      return r.toBuilder().bucketKeyEnabled(null).build();
    }
    if (request instanceof CopyObjectRequest r && Boolean.FALSE.equals(r.bucketKeyEnabled())) {
      return r.toBuilder().bucketKeyEnabled(null).build();
    }
    return request;
  }
}
