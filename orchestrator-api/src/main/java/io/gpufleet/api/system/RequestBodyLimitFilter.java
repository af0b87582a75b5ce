package io.gpufleet.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code gpufleet.api.max-body-size} with 413 before they are read
 * into memory, whether the client declares a length or streams chunks. Multipart uploads have their
 * own limit ({@code spring.servlet.multipart.*}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestBodyLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;
  private final ProblemWriter problems;

  RequestBodyLimitFilter(GpuFleetProperties properties, ProblemWriter problems) {
    this.maxBytes = properties.api().maxBodySize().toBytes();
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String contentType = request.getContentType();
    if (contentType != null && contentType.startsWith(MediaType.MULTIPART_FORM_DATA_VALUE)) {
      chain.doFilter(request, response);
      return;
    }
    if (request.getContentLengthLong() > maxBytes) {
      problems.write(
          response,
          HttpStatus.CONTENT_TOO_LARGE,
          ErrorCodes.PAYLOAD_TOO_LARGE,
          tooLarge(),
          request.getRequestURI());
      return;
    }
    chain.doFilter(new LimitedRequest(request, maxBytes, tooLarge()), response);
  }

  private String tooLarge() {
    return "The request body is larger than " + maxBytes + " bytes";
  }

  /** Thrown while reading a streamed body that grows past the limit. */
  static final class BodyTooLargeException extends IOException {
    BodyTooLargeException(String message) {
      super(message);
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long maxBytes;
    private final String message;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long maxBytes, String message) {
      super(request);
      this.maxBytes = maxBytes;
      this.message = message;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream(), maxBytes, message);
      }
      return stream;
    }
  }

  private static final class CountingStream extends ServletInputStream {
    private final ServletInputStream delegate;
    private final long maxBytes;
    private final String message;
    private long read;

    CountingStream(ServletInputStream delegate, long maxBytes, String message) {
      this.delegate = delegate;
      this.maxBytes = maxBytes;
      this.message = message;
    }

    @Override
    public int read() throws IOException {
      int b = delegate.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = delegate.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws BodyTooLargeException {
      read += n;
      if (read > maxBytes) {
        throw new BodyTooLargeException(message);
      }
    }

    @Override
    public boolean isFinished() {
      return delegate.isFinished();
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      delegate.setReadListener(listener);
    }
  }
}
