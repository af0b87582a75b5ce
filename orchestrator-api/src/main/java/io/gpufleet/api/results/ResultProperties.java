package io.gpufleet.api.results;

import io.gpufleet.api.system.Secret;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where results are kept, under {@code gpufleet.results} (environment {@code GPUFLEET_RESULTS_*}).
 *
 * @param store {@code local} (the data directory, the default) or {@code s3}
 * @param redirectDownloads answer output downloads with a redirect to a presigned URL unless the
 *     caller asks {@code ?redirect=false} (S3 only)
 * @param presignTtl how long a presigned download URL works
 * @param retryInitial the first wait before a spooled output is uploaded again; it doubles
 * @param retryMax the longest wait between two uploads of a spooled output
 * @param retentionDays the outputs of generations that finished more than this many days ago are
 *     deleted from the store (the generation stays, its outputs marked expired); 0 keeps them
 * @param retentionInterval how often each replica's retention job runs (when {@code retentionDays}
 *     is above 0)
 * @param s3 the bucket, when {@code store} is {@code s3}
 */
@ConfigurationProperties("gpufleet.results")
public record ResultProperties(
    @DefaultValue("local") String store,
    @DefaultValue("false") boolean redirectDownloads,
    @DefaultValue("5m") Duration presignTtl,
    @DefaultValue("1s") Duration retryInitial,
    @DefaultValue("5m") Duration retryMax,
    @DefaultValue("0") int retentionDays,
    @DefaultValue("1h") Duration retentionInterval,
    @DefaultValue S3 s3) {

  /**
   * @param bucket the bucket (it must exist)
   * @param prefix put before every key, e.g. {@code gpufleet/}
   * @param region the bucket's region; any value for most S3-compatible servers
   * @param endpoint the server's URL for S3-compatible stores (MinIO, Ceph, R2, B2); AWS when
   *     absent
   * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
   *     (MinIO and most self-hosted servers need it)
   * @param accessKeyId with {@code secretAccessKey}: static credentials; the SDK's default chain
   *     (environment, profile, instance or pod role) when absent
   * @param secretAccessKey the secret of {@code accessKeyId}
   * @param multipartThreshold files larger than this go up in parts
   * @param partSize the size of each part (S3's minimum is 5MB)
   */
  public record S3(
      @Nullable String bucket,
      @DefaultValue("") String prefix,
      @DefaultValue("us-east-1") String region,
      @Nullable URI endpoint,
      @DefaultValue("false") boolean pathStyle,
      @Nullable String accessKeyId,
      @Nullable Secret secretAccessKey,
      @DefaultValue("16MB") DataSize multipartThreshold,
      @DefaultValue("8MB") DataSize partSize) {}

  boolean usesS3() {
    return "s3".equalsIgnoreCase(store);
  }
}
