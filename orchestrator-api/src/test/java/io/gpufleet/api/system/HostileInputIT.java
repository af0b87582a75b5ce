package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.scheduler.secrets.SecretBox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A hostile client, generated from the OpenAPI document ({@code /v3/api-docs}): every operation
 * with a JSON body gets, field by field, values of the wrong type, out of range, oversized, deeply
 * nested, unicode-hostile (NUL, lone surrogates, C0/C1 controls, overlong UTF-8 bytes, RTL
 * overrides) and path traversal; every parameter gets the same in the URL. Whatever is sent: no
 * 5xx, no secret in the answer (admin key and password, users' keys, servers' tokens, the master
 * key), and the values that cannot be right are refused with a problem that changes nothing stored
 * (digest of the stored tables before and after each operation's refusals).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT extends IntegrationTest {

  /** Values that can be right for some fields: only no 5xx and no secret is asked of them. */
  private static final List<Object> MAYBE_VALID =
      List.of(
          "../../../../etc/passwd",
          "..\\..\\..\\windows\\win.ini",
          "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "/etc/passwd",
          "file:///etc/passwd",
          "abc\u202Edcba",
          "\uD83D\uDC69\u200D\uD83D\uDCBB",
          "' OR 1=1 --",
          "<script>alert(1)</script>",
          "x".repeat(100_000),
          -1,
          0,
          2_147_483_648L,
          "");

  /** Values that no field of the API can take: each must be refused. */
  private static final List<Object> NEVER_VALID =
      List.of("a\u0000b", "x\uD800y", "\uDC00", "esc\u001B[31m", "c1\u0085", "nul\u0000");

  /** Path and query values; only no 5xx and no secret. */
  private static final List<String> PARAMETER_VALUES =
      List.of(
          "..%2F..%2F..%2Fetc%2Fpasswd",
          "..%5C..%5Cwindows",
          "%2e%2e%2f%2e%2e%2f",
          "%00",
          "a%00b",
          "%C0%80",
          "%ED%A0%80",
          "%E2%80%AE",
          "18446744073709551616",
          "-1",
          "1e400",
          "NaN",
          "99999-12-31",
          "-999999999-01-01",
          "0000-00-00",
          "http%3A%2F%2F169.254.169.254%2F",
          "x".repeat(3000),
          "%7B%7D");

  private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

  /** Tables a background job may write while the suite runs; their row counts are compared. */
  private static final Set<String> BUSY_TABLES =
      Set.of(
          "api_keys",
          "rate_limit_counters",
          "login_failures",
          "servers",
          "server_models",
          // the Ollama prober rewrites each Ollama server's models every probe interval
          "server_ollama_models",
          "billing_intervals",
          "generations",
          "generation_previews",
          "webhook_jobs",
          "webhook_attempts",
          "server_executions",
          "comfy_counters",
          "ws_tickets",
          "flyway_schema_history");

  @Autowired JdbcTemplate jdbc;
  @Autowired SecretBox secretBox;

  private final List<Operation> operations = new ArrayList<>();
  private JsonNode document;
  private String key;
  private final List<String> secrets = new ArrayList<>();

  record Operation(String method, String path, @Nullable JsonNode bodySchema, JsonNode params) {}

  record Probe(
      String what, String method, String path, byte @Nullable [] body, boolean mustRefuse) {}

  record Answer(Probe probe, int status, String body) {}

  @BeforeAll
  void theDocumentACallerAndTheSecrets() throws Exception {
    TestUser fuzzer = newUser("ADMIN");
    HttpResponse<String> unlimited =
        method(
            "PATCH",
            "/api/v1/users/" + fuzzer.id(),
            ADMIN_KEY,
            "{\"limits\":{\"requestsPerMinute\":1000000,\"requestsPerHour\":1000000,"
                + "\"generationsPerMinute\":1000000,\"generationsPerHour\":1000000,"
                + "\"generationsPerDay\":1000000}}");
    assertThat(unlimited.statusCode()).as(unlimited.body()).isEqualTo(200);
    key = fuzzer.key();

    document = json(get("/v3/api-docs", ADMIN_KEY));
    JsonNode paths = document.path("paths");
    for (String path : paths.propertyNames()) {
      for (String method : paths.path(path).propertyNames()) {
        String m = method.toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(m)) {
          continue;
        }
        if (path.equals("/api/v1/auth/login") || path.equals("/api/v1/auth/logout")) {
          continue; // a hostile login counts as a failed one and would throttle this address
        }
        JsonNode op = paths.path(path).path(method);
        JsonNode schema = op.path("requestBody").path("content").path("application/json");
        operations.add(
            new Operation(
                m,
                path,
                schema.isMissingNode() ? null : resolve(schema.path("schema")),
                op.path("parameters")));
      }
    }

    secrets.add(ADMIN_KEY);
    secrets.add(ADMIN_PASSWORD);
    secrets.add(key);
    java.lang.reflect.Field field = SecretBox.class.getDeclaredField("key");
    field.setAccessible(true);
    byte[] master = ((SecretKey) field.get(secretBox)).getEncoded();
    secrets.add(Base64.getEncoder().encodeToString(master));
    secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(master));
    secrets.add(HexFormat.of().formatHex(master));
    for (String sealed :
        jdbc.queryForList(
            "select comfy_token_enc from servers where comfy_token_enc is not null",
            String.class)) {
      try {
        secrets.add(secretBox.decrypt(sealed));
      } catch (RuntimeException e) {
        // sealed under another test's key: not ours to reveal
      }
    }
  }

  @Test
  void noServerErrorNoSecretAndNoChangeOnARefusal() throws Exception {
    assertThat(operations).as("operations in the OpenAPI document").hasSizeGreaterThan(50);
    Map<String, AtomicInteger> byClass = new TreeMap<>();
    List<String> serverErrors = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Operation op : operations) {
        List<Probe> refusals = new ArrayList<>();
        List<Probe> others = new ArrayList<>();
        probes(op).forEach(p -> (p.mustRefuse() ? refusals : others).add(p));
        Map<String, String> before = digest();
        List<Answer> refused = run(pool, refusals);
        Map<String, String> after = digest();
        List<Answer> rest = run(pool, others);
        for (Answer a : concat(refused, rest)) {
          sent.incrementAndGet();
          byClass
              .computeIfAbsent(a.status() / 100 + "xx", k -> new AtomicInteger())
              .incrementAndGet();
          String where =
              a.probe().method() + " " + a.probe().path() + " [" + a.probe().what() + "]";
          if (a.status() >= 500) {
            serverErrors.add(where + " -> " + a.status() + " " + abbreviate(a.body()));
          }
          for (String secret : secrets) {
            if (a.body().contains(secret)) {
              leaks.add(where + " revealed a secret");
            }
          }
          if (a.probe().mustRefuse() && (a.status() < 400 || a.status() >= 500)) {
            accepted.add(where + " -> " + a.status() + " " + abbreviate(a.body()));
          }
        }
        boolean allRefused = refused.stream().allMatch(a -> a.status() >= 400 && a.status() < 500);
        if (!refused.isEmpty() && allRefused && !before.equals(after)) {
          changed.add(op.method() + " " + op.path() + ": " + difference(before, after));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "HostileInputIT: "
            + operations.size()
            + " operations, "
            + sent
            + " requests sent, by status class "
            + byClass);
    assertThat(serverErrors).as("5xx answers").isEmpty();
    assertThat(leaks).as("secrets in answers").isEmpty();
    assertThat(accepted).as("hostile values that were not refused").isEmpty();
    assertThat(changed).as("stored changes on refusals").isEmpty();
    assertThat(sent.get()).isGreaterThan(2000);
  }

  private List<Answer> run(ExecutorService pool, List<Probe> probes) throws Exception {
    List<Future<Answer>> futures = new ArrayList<>();
    for (Probe p : probes) {
      futures.add(pool.submit(() -> call(p)));
    }
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      try {
        answers.add(futures.get(i).get());
      } catch (java.util.concurrent.ExecutionException e) {
        Probe p = probes.get(i);
        throw new AssertionError(
            "no answer to " + p.method() + " " + p.path() + ": " + e.getCause(), e.getCause());
      }
    }
    return answers;
  }

  // --- what is sent

  private List<Probe> probes(Operation op) {
    List<Probe> out = new ArrayList<>();
    String path = concrete(op.path());
    boolean hasBody = !op.method().equals("GET") && !op.method().equals("DELETE");
    ObjectNode base = hasBody ? baseBody(op.bodySchema()) : null;
    byte[] baseBytes = base == null ? null : utf8(base.toString());

    // parameters: each path variable and query parameter, one hostile value at a time
    Matcher variables = VARIABLE.matcher(op.path());
    while (variables.find()) {
      for (String value : PARAMETER_VALUES) {
        out.add(
            new Probe(
                "path " + variables.group(1) + "=" + abbreviate(value),
                op.method(),
                concreteWith(op.path(), variables.group(1), value),
                baseBytes,
                false));
      }
    }
    for (JsonNode p : op.params()) {
      if (!"query".equals(p.path("in").asString())) {
        continue;
      }
      String name = p.path("name").asString();
      for (String value : PARAMETER_VALUES) {
        out.add(
            new Probe(
                "query " + name + "=" + abbreviate(value),
                op.method(),
                path + (path.contains("?") ? "&" : "?") + name + "=" + value,
                baseBytes,
                false));
      }
    }
    if (!hasBody) {
      return out;
    }

    // whole bodies that cannot be right (where the operation reads one)
    boolean reads = op.bodySchema() != null;
    out.add(new Probe("nested 10000 deep", op.method(), path, nested(10_000), reads));
    out.add(new Probe("truncated", op.method(), path, utf8("{\"a\":"), reads));
    out.add(new Probe("a JSON string", op.method(), path, utf8("\"x\""), reads));
    out.add(new Probe("overlong NUL", op.method(), path, overlong(base), reads));
    out.add(
        new Probe(
            "invalid UTF-8",
            op.method(),
            path,
            withBytes(base, new byte[] {(byte) 0xFF, (byte) 0xFE}),
            reads));
    out.add(
        new Probe(
            "encoded surrogate",
            op.method(),
            path,
            withBytes(base, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
            reads));
    out.add(
        new Probe(
            "a key twice",
            op.method(),
            path,
            utf8(duplicateKey(base)),
            reads && base != null && base.size() > 0));
    out.add(new Probe("unknown field", op.method(), path, unknownField(base, op), false));

    // each field: wrong types, out of range, hostile text, maybe-valid values
    JsonNode schema = op.bodySchema();
    if (schema == null || base == null) {
      return out;
    }
    JsonNode properties = schema.path("properties");
    for (String field : properties.propertyNames()) {
      JsonNode fieldSchema = resolve(properties.path(field));
      for (Object value : NEVER_VALID) {
        out.add(fieldProbe(op, path, base, field, value, true));
      }
      for (Object value : confusions(fieldSchema)) {
        out.add(fieldProbe(op, path, base, field, value, true));
      }
      for (Object value : MAYBE_VALID) {
        out.add(fieldProbe(op, path, base, field, value, false));
      }
      out.add(
          new Probe(
              field + " nested 10000 deep",
              op.method(),
              path,
              replace(base, field, nestedText(10_000)),
              true));
    }
    return out;
  }

  private Probe fieldProbe(
      Operation op, String path, ObjectNode base, String field, Object value, boolean mustRefuse) {
    ObjectNode body = base.deepCopy();
    body.set(field, JSON.valueToTree(value));
    return new Probe(
        field + "=" + abbreviate(JSON.writeValueAsString(value)),
        op.method(),
        path,
        utf8(body.toString()),
        mustRefuse);
  }

  /** Values of another JSON type than the field's, and numbers beyond any range. */
  private static List<Object> confusions(JsonNode schema) {
    String type = schema.path("type").asString("");
    if (schema.has("enum")) {
      type = "string";
    }
    List<Object> out = new ArrayList<>();
    switch (type) {
      case "string":
        if (!"binary".equals(schema.path("format").asString())) {
          out.add(42);
          out.add(true);
          out.add(1.5);
          out.add(List.of("x"));
        }
        break;
      case "integer":
        out.add("42");
        out.add(true);
        out.add(1.5);
        out.add(new java.math.BigInteger("18446744073709551616"));
        out.add(new java.math.BigInteger("-18446744073709551616"));
        out.add(new java.math.BigDecimal("1e400"));
        break;
      case "number":
        out.add("1.5");
        out.add(true);
        out.add(new java.math.BigDecimal("1e400"));
        out.add(new java.math.BigDecimal("-1e400"));
        break;
      case "boolean":
        out.add("true");
        out.add("1");
        out.add(1);
        out.add(0);
        break;
      case "array":
        out.add("x");
        out.add(42);
        break;
      default:
        break;
    }
    return out;
  }

  /** A body with every documented field set to an ordinary value of its type. */
  private @Nullable ObjectNode baseBody(@Nullable JsonNode schema) {
    ObjectNode body = JSON.createObjectNode();
    if (schema == null) {
      return body;
    }
    JsonNode properties = schema.path("properties");
    for (String field : properties.propertyNames()) {
      body.set(field, sample(resolve(properties.path(field)), 0));
    }
    return body;
  }

  private JsonNode sample(JsonNode schema, int depth) {
    if (schema.has("enum")) {
      return schema.path("enum").get(0);
    }
    String format = schema.path("format").asString("");
    switch (schema.path("type").asString("")) {
      case "string":
        return JSON.getNodeFactory()
            .stringNode(
                switch (format) {
                  case "uuid" -> UUID.randomUUID().toString();
                  case "date-time" -> "2030-01-07T08:00:00Z";
                  case "date" -> "2030-01-07";
                  case "uri", "url" -> "http://127.0.0.1:9/";
                  default -> "hostile-" + (depth == 0 ? "probe" : "inner");
                });
      case "integer":
        return JSON.getNodeFactory().numberNode(1);
      case "number":
        return JSON.getNodeFactory().numberNode(1);
      case "boolean":
        return JSON.getNodeFactory().booleanNode(false);
      case "array":
        ArrayNode array = JSON.createArrayNode();
        return array;
      case "object":
        ObjectNode object = JSON.createObjectNode();
        if (depth < 2) {
          JsonNode properties = schema.path("properties");
          for (String field : properties.propertyNames()) {
            object.set(field, sample(resolve(properties.path(field)), depth + 1));
          }
        }
        return object;
      default:
        return JSON.createObjectNode();
    }
  }

  private JsonNode resolve(JsonNode schema) {
    for (int i = 0; i < 5 && schema.has("$ref"); i++) {
      String ref = schema.path("$ref").asString();
      schema =
          document.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }
    if (schema.has("allOf") && schema.path("allOf").size() == 1) {
      return resolve(schema.path("allOf").get(0));
    }
    return schema;
  }

  private static byte[] nested(int depth) {
    return utf8(nestedText(depth));
  }

  private static String nestedText(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static byte[] replace(ObjectNode base, String field, String rawJson) {
    ObjectNode body = base.deepCopy();
    body.put(field, "__RAW__");
    return utf8(body.toString().replace("\"__RAW__\"", rawJson));
  }

  /** The first string field holds the overlong two-byte form of NUL (C0 80). */
  private static byte[] overlong(@Nullable ObjectNode base) {
    return withBytes(base, new byte[] {(byte) 0xC0, (byte) 0x80});
  }

  private static byte[] withBytes(@Nullable ObjectNode base, byte[] bytes) {
    ObjectNode body = base == null ? JSON.createObjectNode() : base.deepCopy();
    String target = null;
    for (String field : body.propertyNames()) {
      if (body.path(field).isString()) {
        target = field;
        break;
      }
    }
    if (target == null) {
      target = "name";
    }
    body.put(target, "__BYTES__");
    String text = body.toString();
    int at = text.indexOf("__BYTES__");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(text.substring(0, at) + "a"));
    out.writeBytes(bytes);
    out.writeBytes(utf8("b" + text.substring(at + "__BYTES__".length())));
    return out.toByteArray();
  }

  private static String duplicateKey(@Nullable ObjectNode base) {
    if (base == null || base.isEmpty()) {
      return "{}";
    }
    String first = base.propertyNames().iterator().next();
    String text = base.toString();
    return "{\"" + first + "\":" + base.get(first) + "," + text.substring(1);
  }

  private static byte[] unknownField(@Nullable ObjectNode base, Operation op) {
    ObjectNode body = base == null ? JSON.createObjectNode() : base.deepCopy();
    body.put("isAdmin", true);
    return utf8(body.toString());
  }

  private String concrete(String template) {
    Matcher variables = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (variables.find()) {
      String name = variables.group(1).toLowerCase(Locale.ROOT);
      variables.appendReplacement(
          out,
          name.endsWith("id") ? UUID.randomUUID().toString() : name.equals("index") ? "0" : "x1");
    }
    variables.appendTail(out);
    return out.toString();
  }

  private String concreteWith(String template, String variable, String value) {
    return concrete(template.replace("{" + variable + "}", "__VALUE__"))
        .replace("__VALUE__", value);
  }

  // --- how it is sent and judged

  private Answer call(Probe probe) {
    HttpRequest.Builder request;
    try {
      request = request(probe.path()).timeout(Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      // a URL the client library refuses to send: nothing reached the server
      return new Answer(probe, 400, "");
    }
    request.header("Authorization", "Bearer " + key);
    boolean hasBody = probe.body() != null;
    if (hasBody) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<InputStream> response =
        send(
            request
                .method(
                    probe.method(),
                    hasBody
                        ? HttpRequest.BodyPublishers.ofByteArray(probe.body())
                        : HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      boolean stream =
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
      return new Answer(
          probe,
          response.statusCode(),
          stream ? "" : new String(body.readNBytes(1_000_000), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Answer(probe, 599, "the connection failed: " + e);
    }
  }

  /** Row counts of every table, and the content of those no background job writes. */
  private Map<String, String> digest() {
    List<String> tables =
        jdbc.queryForList(
            "select table_name from information_schema.tables where table_schema = 'public'"
                + " and table_type = 'BASE TABLE' and table_name not ilike 'qrtz%'",
            String.class);
    Map<String, String> out = new LinkedHashMap<>();
    for (String table : tables) {
      String quoted = "\"" + table + "\"";
      String value =
          BUSY_TABLES.contains(table)
              ? "rows " + jdbc.queryForObject("select count(*) from " + quoted, Long.class)
              : jdbc.queryForObject(
                  "select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '')"
                      + " from "
                      + quoted
                      + " t",
                  String.class);
      out.put(table, value);
    }
    return out;
  }

  private static String difference(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    after.forEach(
        (table, value) -> {
          if (!value.equals(before.get(table))) {
            out.add(table + " " + before.get(table) + " -> " + value);
          }
        });
    return String.join("; ", out);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * The text as UTF-8, lone surrogates written as JSON escapes: {@code getBytes} would turn one
   * into {@code ?} and send a valid value, where a hostile client sends {@code \ud800} (surrogates
   * only occur inside the probes' string values).
   */
  private static byte[] utf8(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    String flat = s.replaceAll("[\\p{Cntrl}]", "?");
    return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
  }
}
