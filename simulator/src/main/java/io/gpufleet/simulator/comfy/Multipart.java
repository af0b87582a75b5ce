package io.gpufleet.simulator.comfy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A small multipart/form-data reader: enough for ComfyUI's upload forms. */
final class Multipart {
  record Part(String name, @Nullable String filename, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

  private Multipart() {}

  static Map<String, Part> parse(@Nullable String contentType, byte[] body) {
    Map<String, Part> parts = new LinkedHashMap<>();
    if (contentType == null || !contentType.contains("boundary=")) {
      return parts;
    }
    String boundary = contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "");
    int semi = boundary.indexOf(';');
    if (semi >= 0) {
      boundary = boundary.substring(0, semi);
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, delimiter, 0);
    while (pos >= 0) {
      int start = pos + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      if (headerEnd < 0 || headerEnd > next) {
        break;
      }
      String headers = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
      int contentStart = headerEnd + 4;
      int contentEnd = Math.max(contentStart, next - 2);
      byte[] content = new byte[contentEnd - contentStart];
      System.arraycopy(body, contentStart, content, 0, content.length);
      Matcher name = NAME.matcher(headers);
      if (name.find()) {
        Matcher file = FILENAME.matcher(headers);
        parts.put(
            name.group(1), new Part(name.group(1), file.find() ? file.group(1) : null, content));
      }
      pos = next;
    }
    return parts;
  }

  private static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
