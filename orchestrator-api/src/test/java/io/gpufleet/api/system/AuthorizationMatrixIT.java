package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskRepository;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Who may call what, for every operation of the OpenAPI document ({@code /v3/api-docs}) and the few
 * endpoints outside it: anonymous callers only what is public; users what is theirs and shared;
 * another user nothing of a user's own (404, as if it did not exist); admins everything. The
 * expected answer comes from {@link #POLICY}; an operation it does not classify fails the test, so
 * a new endpoint cannot skip it. One request per cell.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT extends IntegrationTest {

  enum Access {
    /** Anyone, signed in or not. */
    PUBLIC,
    /** Any signed-in user; shared, or answers only about the caller. */
    ANY_USER,
    /** A user's own resource: its owner and admins; to another user it does not exist. */
    OWNED,
    /** Admins only. */
    ADMIN
  }

  /**
   * One rule: a method ({@code *} for all) and a path template, or a prefix ending in {@code **}.
   */
  record Rule(String method, String path, Access access) {
    boolean matches(String m, String template) {
      if (!method.equals("*") && !method.equals(m)) {
        return false;
      }
      return path.endsWith("/**")
          ? template.equals(path.substring(0, path.length() - 3))
              || template.startsWith(path.substring(0, path.length() - 2))
          : template.equals(path);
    }
  }

  /** The declared policy; the first rule that matches wins. */
  static final List<Rule> POLICY =
      List.of(
          // public
          new Rule("GET", "/api/v1/health", Access.PUBLIC),
          new Rule("POST", "/api/v1/auth/login", Access.PUBLIC),
          new Rule("GET", "/", Access.PUBLIC),
          new Rule("GET", "/console", Access.PUBLIC),
          new Rule("GET", "/console/", Access.PUBLIC),
          // the fleet and its users: admins only (SecurityConfiguration.ADMIN_ONLY, and methods)
          new Rule("*", "/api/v1/users/**", Access.ADMIN),
          new Rule("*", "/api/v1/api-keys/**", Access.ADMIN),
          new Rule("*", "/api/v1/offers/**", Access.ADMIN),
          new Rule("*", "/api/v1/servers/**", Access.ADMIN),
          new Rule("*", "/api/v1/pools/**", Access.ADMIN),
          new Rule("*", "/api/v1/setup-scripts/**", Access.ADMIN),
          new Rule("*", "/api/v1/executions/**", Access.ADMIN),
          new Rule("*", "/api/v1/models/**", Access.ADMIN),
          new Rule("*", "/api/v1/model-downloads/**", Access.ADMIN),
          new Rule("*", "/api/v1/fleet/**", Access.ADMIN),
          new Rule("*", "/api/v1/profiles/**", Access.ADMIN),
          new Rule("*", "/api/v1/results/**", Access.ADMIN),
          new Rule("POST", "/api/v1/workflows", Access.ADMIN),
          new Rule("PUT", "/api/v1/workflows/{id}", Access.ADMIN),
          new Rule("DELETE", "/api/v1/workflows/{id}", Access.ADMIN),
          new Rule("GET", "/actuator/prometheus", Access.ADMIN),
          // a user's own: generations, sessions, uploads
          new Rule("*", "/api/v1/generations/{id}/**", Access.OWNED),
          new Rule("*", "/api/v1/sessions/{id}/**", Access.OWNED),
          new Rule("*", "/api/v1/uploads/{id}/**", Access.OWNED),
          new Rule("*", "/api/v1/tasks/{id}/**", Access.OWNED),
          // any user: lists and counts of their own, shared workflows, their account
          new Rule("*", "/api/v1/generations", Access.ANY_USER),
          new Rule("GET", "/api/v1/generations/export", Access.ANY_USER),
          new Rule("GET", "/api/v1/generations/stats", Access.ANY_USER),
          new Rule("*", "/api/v1/sessions", Access.ANY_USER),
          new Rule("*", "/api/v1/tasks", Access.ANY_USER),
          new Rule("GET", "/api/v1/tasks/export", Access.ANY_USER),
          new Rule("POST", "/api/v1/uploads", Access.ANY_USER),
          new Rule("GET", "/api/v1/workflows/**", Access.ANY_USER),
          new Rule("POST", "/api/v1/workflows/{id}/analyze", Access.ANY_USER),
          new Rule("GET", "/api/v1/me/**", Access.ANY_USER),
          new Rule("GET", "/api/v1/webhooks/secret", Access.ANY_USER),
          new Rule("POST", "/api/v1/ws-tickets", Access.ANY_USER),
          new Rule("POST", "/api/v1/chat", Access.ANY_USER),
          new Rule("GET", "/api/v1/chat/profiles", Access.ANY_USER),
          // the ComfyUI-compatible endpoint: every user their own (io.gpufleet.api.comfy)
          new Rule("*", "/comfy/**", Access.ANY_USER),
          // the handshake authenticates itself; without upgrade headers: 400 once it knows the
          // caller, 401 before
          new Rule("GET", "/api/v1/ws", Access.ANY_USER),
          new Rule("GET", "/v3/api-docs", Access.ANY_USER),
          new Rule("GET", "/actuator/health", Access.PUBLIC));

  /** Endpoints the OpenAPI document does not list (actuator, the WebSocket, the document). */
  static final List<String[]> OUTSIDE_THE_DOCUMENT =
      List.of(
          new String[] {"GET", "/actuator/health"},
          new String[] {"GET", "/actuator/prometheus"},
          new String[] {"GET", "/api/v1/ws"},
          new String[] {"GET", "/v3/api-docs"});

  private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

  @Autowired GenerationRepository generations;
  @Autowired TaskRepository tasks;

  private TestUser owner;
  private TestUser other;
  private final Map<String, String> owned = new java.util.HashMap<>();
  private final List<String[]> operations = new ArrayList<>();

  @BeforeAll
  void usersTheirThingsAndTheDocument() {
    owner = newUser("USER");
    other = newUser("USER");
    owned.put(
        "/api/v1/sessions/",
        json(post("/api/v1/sessions", owner.key(), "{}")).path("id").asString());
    owned.put("/api/v1/uploads/", upload(owner));
    Generation generation =
        new Generation(
            UUID.fromString(owner.id()),
            new Generation.Request(null, null, 0, null, null, "{}", "{}", 1L, 1),
            1,
            Instant.now());
    // saved finished: nothing is to dispatch it
    generation.cancel(Instant.now());
    generations.save(generation);
    owned.put("/api/v1/generations/", generation.getId().toString());
    Task task =
        new Task(
            UUID.fromString(owner.id()),
            new Task.Request("owned", Task.TEXT, "ollama", null, null, "x", null, "{}", null, 1),
            Instant.now());
    // saved finished: nothing is to run it
    task.cancel(Instant.now());
    tasks.save(task);
    owned.put("/api/v1/tasks/", task.getId().toString());

    HttpResponse<String> document = get("/v3/api-docs", ADMIN_KEY);
    assertThat(document.statusCode()).isEqualTo(200);
    JsonNode paths = json(document).path("paths");
    for (String path : paths.propertyNames()) {
      for (String method : paths.path(path).propertyNames()) {
        String m = method.toUpperCase(Locale.ROOT);
        if (List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(m)) {
          operations.add(new String[] {m, path});
        }
      }
    }
    operations.addAll(OUTSIDE_THE_DOCUMENT);
  }

  @TestFactory
  Stream<DynamicContainer> everyOperationForEveryCaller() {
    assertThat(operations).as("operations in the OpenAPI document").hasSizeGreaterThan(50);
    List<String> unclassified =
        operations.stream()
            .filter(op -> access(op[0], op[1]) == null)
            .map(op -> op[0] + " " + op[1])
            .toList();
    assertThat(unclassified)
        .as("unclassified endpoint(s): add each to AuthorizationMatrixIT.POLICY")
        .isEmpty();
    // in this order: another user tries the owner's things before the owner may delete them
    return Stream.of(
        role("anonymous", null, this::anonymous),
        role("another user", other, this::anotherUser),
        role("user", owner, this::user),
        role("admin", null, this::admin));
  }

  private DynamicContainer role(
      String name, @Nullable TestUser caller, Function<Access, Expectation> expected) {
    String key = caller == null ? (name.equals("admin") ? ADMIN_KEY : null) : caller.key();
    return DynamicContainer.dynamicContainer(
        name,
        operations.stream()
            .map(
                op -> {
                  Access access = access(op[0], op[1]);
                  Expectation expectation = expected.apply(access);
                  return DynamicTest.dynamicTest(
                      op[0] + " " + op[1] + " (" + access + ")",
                      () -> expectation.check(op[0] + " " + op[1], call(op[0], op[1], key)));
                }));
  }

  private Expectation anonymous(Access access) {
    return access == Access.PUBLIC ? Expectation.ALLOWED : Expectation.is(401);
  }

  private Expectation anotherUser(Access access) {
    if (access == Access.OWNED) {
      return Expectation.oneOf(403, 404);
    }
    return user(access);
  }

  private Expectation user(Access access) {
    return access == Access.ADMIN ? Expectation.is(403) : Expectation.ALLOWED;
  }

  private Expectation admin(Access access) {
    return Expectation.ALLOWED;
  }

  static @Nullable Access access(String method, String template) {
    for (Rule rule : POLICY) {
      if (rule.matches(method, template)) {
        return rule.access();
      }
    }
    return null;
  }

  /** A status answered: one of these, or (allowed) anything but 401, 403 and a server error. */
  record Expectation(List<Integer> statuses) {
    static final Expectation ALLOWED = new Expectation(List.of());

    static Expectation is(int status) {
      return new Expectation(List.of(status));
    }

    static Expectation oneOf(Integer... statuses) {
      return new Expectation(List.of(statuses));
    }

    void check(String operation, Answer answer) {
      assertThat(answer.status()).as(operation + ": " + answer.body()).isLessThan(500);
      if (statuses.isEmpty()) {
        assertThat(answer.status()).as(operation + ": " + answer.body()).isNotIn(401, 403);
      } else {
        assertThat(answer.status()).as(operation + ": " + answer.body()).isIn(statuses);
      }
    }
  }

  record Answer(int status, String body) {}

  /** The template with its variables filled: the owner's resources, else unknown ids. */
  private String concrete(String template) {
    for (Map.Entry<String, String> entry : owned.entrySet()) {
      if (template.startsWith(entry.getKey() + "{")) {
        template =
            entry.getKey() + entry.getValue() + template.substring(template.indexOf('}') + 1);
      }
    }
    Matcher variables = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (variables.find()) {
      String name = variables.group(1).toLowerCase(Locale.ROOT);
      variables.appendReplacement(
          out,
          name.endsWith("id") ? UUID.randomUUID().toString() : name.equals("index") ? "0" : "1");
    }
    variables.appendTail(out);
    String path = out.toString();
    return path.equals("/api/v1/generations/export") || path.equals("/api/v1/tasks/export")
        ? path + "?format=csv"
        : path;
  }

  private Answer call(String method, String template, @Nullable String key) {
    HttpRequest.Builder request = request(concrete(template));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    boolean hasBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    if (hasBody) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<InputStream> response =
        send(
            request
                .method(
                    method,
                    hasBody
                        ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      // an event stream never ends: its status is all this needs
      boolean stream =
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
      return new Answer(
          response.statusCode(),
          stream ? "(an event stream)" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String upload(TestUser user) {
    String boundary = "gpufleet-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    try {
      ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created =
        send(
            request("/api/v1/uploads")
                .header("Authorization", "Bearer " + user.key())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }
}
