package io.gpufleet.api.results;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The answer to a download of an output the caller may read (the caller checks that first): the
 * bytes streamed from the store that holds them, or a redirect to a short-lived presigned URL when
 * asked ({@code redirect=true}) or configured so, and the store signs URLs.
 */
@Component
public class OutputDownloads {

  static final String OUTPUT_EXPIRED = "OUTPUT_EXPIRED";

  private final ResultStores stores;

  OutputDownloads(ResultStores stores) {
    this.stores = stores;
  }

  public ResponseEntity<InputStreamResource> answer(
      UUID generation,
      StoredOutput output,
      boolean expired,
      @Nullable Boolean redirect,
      @Nullable String filename)
      throws IOException {
    if (expired) {
      throw new ApiException(
          HttpStatus.GONE,
          OUTPUT_EXPIRED,
          "The output has expired: the retention rule deleted it (the generation's record stays)");
    }
    boolean wanted = redirect == null ? stores.redirectByDefault() : redirect;
    if (wanted && !output.spooled()) {
      var url = stores.presigned(generation, output);
      if (url.isPresent()) {
        return ResponseEntity.status(HttpStatus.FOUND).location(url.get()).build();
      }
    }
    ResultStores.Download download =
        stores
            .open(generation, output)
            .orElseThrow(
                () -> ApiException.notFound(ErrorCodes.NOT_FOUND, "The stored output is missing"));
    InputStream body = download.body();
    var answer =
        ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(download.contentType()))
            .contentLength(download.size());
    if (filename != null) {
      answer.header(
          HttpHeaders.CONTENT_DISPOSITION,
          ContentDisposition.inline().filename(filename).build().toString());
    }
    return answer.body(new InputStreamResource(body));
  }
}
