package io.gpufleet.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the application's integration tests share whichever application they run against: its admin,
 * HTTP calls with an API key, users made per test and polling. {@link IntegrationTest} is the one
 * shared application; a test that needs other settings (the S3 store) names its own context in a
 * subclass of this.
 */
public abstract class ApplicationTest {

  public static final String ADMIN_USER = "root-admin";
  public static final String ADMIN_PASSWORD = "correct horse battery staple";
  public static final String ADMIN_KEY = "gf_test_admin_key_0123456789abcdef";

  protected static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort protected int port;

  protected URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  protected HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path));
  }

  protected HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return HTTP.send(request, handler);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected HttpResponse<String> get(String path, String apiKey) {
    return send(request(path).header("Authorization", "Bearer " + apiKey).GET().build());
  }

  protected HttpResponse<String> post(String path, String apiKey, String jsonBody) {
    return send(
        request(path)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
            .build());
  }

  protected HttpResponse<String> method(String method, String path, String apiKey, String body) {
    HttpRequest.Builder builder = request(path).header("Authorization", "Bearer " + apiKey);
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    return send(
        builder
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /**
   * A workflow of the test's own (the shipped text-to-image graph under a new name), so that what
   * it queues is not mixed with the default workflow other classes of the shared context submit.
   */
  protected String workflowOfItsOwn(String name) {
    try (java.io.InputStream in =
        ApplicationTest.class.getResourceAsStream("/workflows/sd-text-to-image.json")) {
      JsonNode graph =
          JSON.readTree(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
              .path("workflow");
      HttpResponse<String> created =
          post(
              "/api/v1/workflows",
              ADMIN_KEY,
              JSON.createObjectNode()
                  .put("name", name + "-workflow")
                  .set("workflow", graph)
                  .toString());
      if (created.statusCode() != 201) {
        throw new AssertionError("the workflow was not created: " + created.body());
      }
      return json(created).path("id").asString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a user through the admin API and returns a fresh API key of theirs. */
  protected TestUser newUser(String role) {
    String name = role.toLowerCase() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        post(
            "/api/v1/users",
            ADMIN_KEY,
            "{\"username\":\""
                + name
                + "\",\"role\":\""
                + role
                + "\",\"password\":\"pw-"
                + name
                + "\"}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Could not create a user: " + created.body());
    }
    String id = json(created).path("id").asString();
    HttpResponse<String> key =
        post("/api/v1/users/" + id + "/api-keys", ADMIN_KEY, "{\"name\":\"test\"}");
    if (key.statusCode() != 201) {
      throw new IllegalStateException("Could not create a key: " + key.body());
    }
    return new TestUser(id, name, "pw-" + name, json(key).path("key").asString());
  }

  /**
   * A new user whose rate-limit bands are set to {@code limits} (a JSON object of band fields, e.g.
   * {@code {"generationsPerMinute":200}}), with one API key.
   */
  protected TestUser userWithLimits(String limits) {
    TestUser user = newUser("USER");
    HttpResponse<String> patched =
        method("PATCH", "/api/v1/users/" + user.id(), ADMIN_KEY, "{\"limits\":" + limits + "}");
    if (patched.statusCode() != 200) {
      throw new IllegalStateException("Could not set the user's limits: " + patched.body());
    }
    return user;
  }

  /** A user made for one test, with one API key. */
  protected record TestUser(String id, String username, String password, String key) {}

  protected static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  /** Polls the condition until it holds; fails the test after 90 s. */
  protected static void await(BooleanSupplier condition) {
    await(condition, Duration.ofSeconds(90));
  }

  /** Polls the condition every 50 ms until it holds; fails the test after {@code patience}. */
  protected static void await(BooleanSupplier condition, Duration patience) {
    awaitValue(condition::getAsBoolean, done -> done, patience, "condition");
  }

  /**
   * Reads a value every 50 ms until it satisfies {@code done}, and answers it; fails the test after
   * {@code patience}, naming {@code what} and the last value read.
   */
  protected static <T> T awaitValue(
      Supplier<T> read, Predicate<? super T> done, Duration patience, String what) {
    long deadline = System.nanoTime() + patience.toNanos();
    T value = read.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + patience + "; last: " + value);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      value = read.get();
    }
    return value;
  }
}
