package io.gpufleet.api.system;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.io.InputDecorator;

/**
 * Request bodies must be well-formed UTF-8 (RFC 3629): Jackson's fast decoder accepts overlong
 * forms such as {@code C0 80} (a NUL that no filter of decoded text would see coming), encoded
 * surrogates and code points past U+10FFFF. This decorator checks the bytes as the parser reads
 * them and fails the read at the first one that is not.
 */
public final class WellFormedUtf8 extends InputDecorator {

  private static final long serialVersionUID = 1L;

  /** A body whose bytes are not UTF-8; answered 400 {@code MALFORMED_REQUEST}. */
  public static final class MalformedUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedUtf8Exception(long offset) {
      super("The body is not well-formed UTF-8 (at byte " + offset + ")");
    }
  }

  /** Throws unless {@code bytes} are well-formed UTF-8. */
  public static void require(byte[] bytes) throws MalformedUtf8Exception {
    Checker checker = new Checker();
    for (byte b : bytes) {
      checker.accept(b & 0xFF);
    }
    checker.end();
  }

  @Override
  public InputStream decorate(IOContext context, InputStream in) {
    return new Checking(in);
  }

  @Override
  public InputStream decorate(IOContext context, byte[] src, int offset, int length) {
    return new Checking(new java.io.ByteArrayInputStream(src, offset, length));
  }

  @Override
  public Reader decorate(IOContext context, Reader reader) {
    return reader; // already characters: nothing of bytes left to check
  }

  /** The UTF-8 state machine of RFC 3629, table 3-7 of the Unicode standard. */
  private static final class Checker {
    private int pending; // continuation bytes still expected
    private int low = 0x80; // the range allowed for the next continuation byte
    private int high = 0xBF;
    private long offset;

    void accept(int b) throws MalformedUtf8Exception {
      if (pending == 0) {
        if (b < 0x80) {
          // ASCII
        } else if (b >= 0xC2 && b <= 0xDF) {
          expect(1, 0x80, 0xBF);
        } else if (b == 0xE0) {
          expect(2, 0xA0, 0xBF); // no overlong 3-byte forms
        } else if (b == 0xED) {
          expect(2, 0x80, 0x9F); // no encoded surrogates
        } else if (b >= 0xE1 && b <= 0xEF) {
          expect(2, 0x80, 0xBF);
        } else if (b == 0xF0) {
          expect(3, 0x90, 0xBF); // no overlong 4-byte forms
        } else if (b >= 0xF1 && b <= 0xF3) {
          expect(3, 0x80, 0xBF);
        } else if (b == 0xF4) {
          expect(3, 0x80, 0x8F); // nothing past U+10FFFF
        } else {
          throw new MalformedUtf8Exception(offset); // C0, C1, F5..FF, a stray continuation
        }
      } else {
        if (b < low || b > high) {
          throw new MalformedUtf8Exception(offset);
        }
        pending--;
        low = 0x80;
        high = 0xBF;
      }
      offset++;
    }

    void end() throws MalformedUtf8Exception {
      if (pending != 0) {
        throw new MalformedUtf8Exception(offset);
      }
    }

    private void expect(int continuations, int firstLow, int firstHigh) {
      pending = continuations;
      low = firstLow;
      high = firstHigh;
    }
  }

  private static final class Checking extends FilterInputStream {
    private final Checker checker = new Checker();

    Checking(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        checker.end();
      } else {
        checker.accept(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        checker.end();
      }
      for (int i = 0; i < n; i++) {
        checker.accept(buffer[offset + i] & 0xFF);
      }
      return n;
    }
  }
}
