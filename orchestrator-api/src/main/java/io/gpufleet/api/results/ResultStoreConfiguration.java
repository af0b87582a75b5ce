package io.gpufleet.api.results;

import io.gpufleet.api.system.GpuFleetProperties;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The stores: the local one always (it holds what was stored before S3 was configured, until it is
 * moved), and the S3 one when {@code gpufleet.results.store=s3}.
 */
@Configuration(proxyBeanMethods = false)
class ResultStoreConfiguration {

  @Bean
  ResultStores resultStores(GpuFleetProperties platform, ResultProperties settings) {
    LocalResultStore local = new LocalResultStore(platform.dataDir().resolve("results"));
    LocalResultStore spool = new LocalResultStore(platform.dataDir().resolve("spool"));
    return new ResultStores(settings.usesS3() ? s3(settings.s3()) : local, local, spool, settings);
  }

  static S3ResultStore s3(ResultProperties.S3 s3) {
    if (s3.bucket() == null || s3.bucket().isBlank()) {
      throw new IllegalStateException(
          "gpufleet.results.store=s3 needs gpufleet.results.s3.bucket (GPUFLEET_RESULTS_S3_BUCKET)");
    }
    AwsCredentialsProvider credentials =
        s3.accessKeyId() != null && s3.secretAccessKey() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey().value()))
            : DefaultCredentialsProvider.builder().build();
    S3Configuration service =
        S3Configuration.builder()
            .pathStyleAccessEnabled(s3.pathStyle())
            // aws-chunked bodies are not understood by every S3-compatible server (s3rver stores
            // the framing); a plain body with Content-MD5 and x-amz-checksum-sha256 works on all
            .chunkedEncodingEnabled(false)
            .build();
    var client =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(60)))
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(service)
            // the store sends its own SHA-256 (and MD5) in headers: no aws-chunked trailers,
            // which S3-compatible servers often do not speak
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    var presigner =
        S3Presigner.builder()
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(service);
    if (s3.endpoint() != null) {
      client.endpointOverride(s3.endpoint());
      presigner.endpointOverride(s3.endpoint());
    }
    return new S3ResultStore(
        client.build(),
        presigner.build(),
        s3.bucket(),
        s3.prefix(),
        s3.multipartThreshold().toBytes(),
        Math.max(5L * 1024 * 1024, s3.partSize().toBytes()));
  }
}
