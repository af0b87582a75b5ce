package io.gpufleet.api.system;

import io.gpufleet.api.system.ApiException.FieldProblem;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What no text of a request may hold, wherever it is (a DTO's field, a map's key, a string deep in
 * a workflow graph): NUL and the other control characters but tab, line feed and carriage return;
 * lone UTF-16 surrogates (JSON's {@code \ud800}, which PostgreSQL and every client mangle); numbers
 * that are not finite ({@code 1e400} read as a double). Names ({@code name}, {@code username},
 * {@code title}, {@code …Name}) and the keys of objects are one line of visible text: no control
 * characters at all, no bidirectional overrides or isolates (which make a name display as another),
 * at most {@value #MAX_NAME} characters.
 */
public final class BodyText {

  public static final int MAX_NAME = 200;
  private static final int MAX_PROBLEMS = 20;

  private BodyText() {}

  /** Every problem of the body's text, each with its field path ({@code a.b[2].c}). */
  public static List<FieldProblem> problems(@Nullable Object body) {
    List<FieldProblem> problems = new ArrayList<>();
    walk(body, "", false, problems);
    return problems;
  }

  /** Throws {@code 400 VALIDATION_ERROR} naming the fields, if the body's text has problems. */
  public static void require(@Nullable Object body) {
    List<FieldProblem> problems = problems(body);
    if (!problems.isEmpty()) {
      throw ApiException.invalid(problems);
    }
  }

  private static void walk(
      @Nullable Object value, String path, boolean isName, List<FieldProblem> problems) {
    if (value == null || problems.size() >= MAX_PROBLEMS) {
      return;
    }
    if (value instanceof String s) {
      text(s, path, isName, problems);
    } else if (value instanceof Double d) {
      finite(d, path, problems);
    } else if (value instanceof Float f) {
      finite(f.doubleValue(), path, problems);
    } else if (value instanceof JsonNode node) {
      node(node, path, isName, problems);
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String at = join(path, key);
        text(key, at, true, problems);
        walk(e.getValue(), at, false, problems);
      }
    } else if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", isName, problems);
      }
    } else if (value instanceof Object[] items) {
      for (int i = 0; i < items.length; i++) {
        walk(items[i], path + "[" + i + "]", isName, problems);
      }
    } else if (value.getClass().isRecord()) {
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        Object component;
        try {
          c.getAccessor().setAccessible(true);
          component = c.getAccessor().invoke(value);
        } catch (ReflectiveOperationException | RuntimeException e) {
          continue; // an accessor that cannot be read carries nothing the client sent
        }
        walk(component, join(path, c.getName()), isNameField(c.getName()), problems);
      }
    }
  }

  private static void node(JsonNode node, String path, boolean isName, List<FieldProblem> out) {
    if (node.isString()) {
      text(node.asString(), path, isName, out);
    } else if (node.isDouble() || node.isFloat()) {
      finite(node.doubleValue(), path, out);
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String at = join(path, e.getKey());
        text(e.getKey(), at, true, out);
        node(e.getValue(), at, isNameField(e.getKey()), out);
        if (out.size() >= MAX_PROBLEMS) {
          return;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size() && out.size() < MAX_PROBLEMS; i++) {
        node(node.get(i), path + "[" + i + "]", false, out);
      }
    }
  }

  private static boolean isNameField(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("name") || n.equals("title") || n.endsWith("name");
  }

  private static void finite(double d, String path, List<FieldProblem> out) {
    if (!Double.isFinite(d)) {
      out.add(new FieldProblem(field(path), "must be a finite number within range"));
    }
  }

  private static void text(String s, String path, boolean isName, List<FieldProblem> out) {
    String problem = textProblem(s, isName);
    if (problem != null) {
      out.add(new FieldProblem(field(path), problem));
    }
  }

  /** Why this text is refused, or null. */
  public static @Nullable String textProblem(String s, boolean isName) {
    if (isName && s.length() > MAX_NAME) {
      return "must be at most " + MAX_NAME + " characters";
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "must be valid Unicode text (a lone surrogate at character " + i + ")";
      }
      if (Character.isLowSurrogate(c)) {
        return "must be valid Unicode text (a lone surrogate at character " + i + ")";
      }
      if (c == 0) {
        return "must not contain NUL characters";
      }
      boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
      if (control && (isName || (c != '\t' && c != '\n' && c != '\r'))) {
        return "must not contain control characters (U+"
            + String.format("%04X", (int) c)
            + " at character "
            + i
            + ")";
      }
      if (isName && isBidiControl(c)) {
        return "must not contain bidirectional overrides (U+"
            + String.format("%04X", (int) c)
            + ")";
      }
    }
    return null;
  }

  private static boolean isBidiControl(char c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x061C;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String field(String path) {
    return path.isEmpty() ? "body" : path;
  }
}
