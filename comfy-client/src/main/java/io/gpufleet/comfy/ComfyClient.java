package io.gpufleet.comfy;

import io.gpufleet.comfy.workflow.NodeDefinition;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.comfy.workflow.Workflow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client of one ComfyUI server: the HTTP routes and, through {@link #connect}, its WebSocket.
 * Thread-safe. Every failure is a {@link ComfyException}.
 */
public final class ComfyClient {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final MediaType PNG = MediaType.get("image/png");

  private final HttpUrl baseUrl;
  private final OkHttpClient http;
  private final @Nullable String bearerToken;
  private final ReconnectPolicy reconnect;

  private ComfyClient(Builder b) {
    this.baseUrl = Objects.requireNonNull(b.baseUrl, "baseUrl is required");
    this.http = b.httpClient != null ? b.httpClient : new OkHttpClient();
    this.bearerToken = b.bearerToken;
    this.reconnect = b.reconnect;
  }

  public static Builder builder() {
    return new Builder();
  }

  public HttpUrl baseUrl() {
    return baseUrl;
  }

  // ---- prompts and queue

  /**
   * Queues {@code workflow} under our own {@code promptId} (sent as a canonical lowercase UUID) for
   * the socket session {@code clientId}.
   *
   * @throws ComfyException.PromptRejected when validation refuses the whole workflow
   */
  public SubmitResult submit(Workflow workflow, UUID promptId, String clientId) {
    return submit(workflow, promptId, clientId, null);
  }

  public SubmitResult submit(
      Workflow workflow, UUID promptId, String clientId, @Nullable JsonNode extraData) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("prompt", workflow.toJson());
    body.put("client_id", clientId);
    body.put("prompt_id", promptId.toString().toLowerCase(java.util.Locale.ROOT));
    if (extraData != null) {
      body.set("extra_data", extraData);
    }
    Request request = request("prompt").post(jsonBody(body)).build();
    try (Response response = execute(request)) {
      String text = bodyText(response);
      if (response.code() == 400) {
        JsonNode parsed = tryParse(text);
        if (parsed != null && parsed.has("error")) {
          throw ResponseParsing.rejected(parsed);
        }
      }
      requireSuccess(response, text);
      return ResponseParsing.submitted(parse(text));
    }
  }

  /** Pending plus running, from GET /prompt: the cheapest depth probe. */
  public int queueRemaining() {
    return getJson("prompt", null).path("exec_info").path("queue_remaining").asInt(0);
  }

  public QueueState queue() {
    return ResponseParsing.queue(getJson("queue", null));
  }

  /** Removes pending prompts; the running one is untouched (use {@link #interrupt}). */
  public void deleteFromQueue(List<String> promptIds) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    promptIds.forEach(body.putArray("delete")::add);
    postForEmpty("queue", body);
  }

  public void clearQueue() {
    postForEmpty("queue", Json.MAPPER.createObjectNode().put("clear", true));
  }

  /** Interrupts {@code promptId} if it is the running one (older servers: whatever runs). */
  public void interrupt(String promptId) {
    postForEmpty("interrupt", Json.MAPPER.createObjectNode().put("prompt_id", promptId));
  }

  public void interruptAll() {
    postForEmpty("interrupt", Json.MAPPER.createObjectNode());
  }

  public void free(boolean unloadModels, boolean freeMemory) {
    postForEmpty(
        "free",
        Json.MAPPER
            .createObjectNode()
            .put("unload_models", unloadModels)
            .put("free_memory", freeMemory));
  }

  // ---- history

  /** Empty while the prompt is unknown, pending or running. */
  public Optional<HistoryEntry> history(String promptId) {
    JsonNode body = getJson("history/" + promptId, null);
    JsonNode entry = body.get(promptId);
    return entry == null
        ? Optional.empty()
        : Optional.of(ResponseParsing.historyEntry(promptId, entry));
  }

  /**
   * Entries oldest first; {@code maxItems} null means all, {@code offset} counts from the oldest.
   */
  public Map<String, HistoryEntry> history(@Nullable Integer maxItems, @Nullable Integer offset) {
    Map<String, String> query = new LinkedHashMap<>();
    if (maxItems != null) {
      query.put("max_items", maxItems.toString());
    }
    if (offset != null) {
      query.put("offset", offset.toString());
    }
    Map<String, HistoryEntry> out = new LinkedHashMap<>();
    getJson("history", query)
        .forEachEntry((id, entry) -> out.put(id, ResponseParsing.historyEntry(id, entry)));
    return out;
  }

  public void deleteHistory(List<String> promptIds) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    promptIds.forEach(body.putArray("delete")::add);
    postForEmpty("history", body);
  }

  public void clearHistory() {
    postForEmpty("history", Json.MAPPER.createObjectNode().put("clear", true));
  }

  // ---- files

  public ViewedFile view(OutputFile file) {
    return view(file.filename(), file.subfolder(), file.type());
  }

  public ViewedFile view(String filename, String subfolder, String type) {
    HttpUrl url =
        url("view")
            .newBuilder()
            .addQueryParameter("filename", filename)
            .addQueryParameter("subfolder", subfolder)
            .addQueryParameter("type", type)
            .build();
    try (Response response = execute(authorized(new Request.Builder().url(url)).build())) {
      byte[] bytes = bodyBytes(response);
      requireSuccess(
          response,
          new String(
              bytes, 0, Math.min(bytes.length, 500), java.nio.charset.StandardCharsets.UTF_8));
      String type1 = response.header("Content-Type", "application/octet-stream");
      return new ViewedFile(bytes, Objects.requireNonNull(type1));
    }
  }

  /**
   * Streams a file served by /view into {@code target} (a video is never held in memory); the
   * answer is the content type the server gave.
   */
  public String download(OutputFile file, java.nio.file.Path target) {
    HttpUrl url =
        url("view")
            .newBuilder()
            .addQueryParameter("filename", file.filename())
            .addQueryParameter("subfolder", file.subfolder())
            .addQueryParameter("type", file.type())
            .build();
    try (Response response = execute(authorized(new Request.Builder().url(url)).build())) {
      if (!response.isSuccessful()) {
        requireSuccess(response, bodyText(response));
      }
      try (java.io.InputStream in = response.body().byteStream()) {
        java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new ComfyException.ConnectionFailed(
            "reading " + file.filename() + " failed: " + e.getMessage(), e);
      }
      return Objects.requireNonNull(response.header("Content-Type", "application/octet-stream"));
    }
  }

  public UploadedFile uploadImage(
      String filename, byte[] png, String subfolder, boolean overwrite) {
    return upload("upload/image", filename, png, subfolder, overwrite, null);
  }

  /** Uploads a mask whose alpha is applied to {@code original}, an image already on the server. */
  public UploadedFile uploadMask(
      String filename, byte[] png, OutputFile original, boolean overwrite) {
    ObjectNode ref =
        Json.MAPPER
            .createObjectNode()
            .put("filename", original.filename())
            .put("subfolder", original.subfolder())
            .put("type", original.type());
    return upload("upload/mask", filename, png, "", overwrite, Json.MAPPER.writeValueAsString(ref));
  }

  private UploadedFile upload(
      String path,
      String filename,
      byte[] bytes,
      String subfolder,
      boolean overwrite,
      @Nullable String originalRef) {
    MultipartBody.Builder form =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart("image", filename, RequestBody.create(bytes, PNG))
            .addFormDataPart("type", "input")
            .addFormDataPart("subfolder", subfolder)
            .addFormDataPart("overwrite", Boolean.toString(overwrite));
    if (originalRef != null) {
      form.addFormDataPart("original_ref", originalRef);
    }
    try (Response response = execute(request(path).post(form.build()).build())) {
      String text = bodyText(response);
      requireSuccess(response, text);
      JsonNode body = parse(text);
      return new UploadedFile(
          body.path("name").asString(filename),
          body.path("subfolder").asString(""),
          body.path("type").asString("input"));
    }
  }

  // ---- discovery

  public NodeDefinitions objectInfo() {
    return NodeDefinitions.parse(objectInfoJson());
  }

  /** {@code /object_info} as the server sent it, every field kept (to pass on or merge). */
  public JsonNode objectInfoJson() {
    return getJson("object_info", null);
  }

  /** Empty when the class is not installed on the server. */
  public Optional<NodeDefinition> objectInfo(String classType) {
    return NodeDefinitions.parse(getJson("object_info/" + classType, null)).get(classType);
  }

  public SystemStats systemStats() {
    return ResponseParsing.systemStats(getJson("system_stats", null));
  }

  /**
   * {@link #systemStats()} without blocking a thread: OkHttp's dispatcher runs the call, so probing
   * many servers needs no thread per server.
   */
  public CompletableFuture<SystemStats> systemStatsAsync() {
    return getJsonAsync("system_stats").thenApply(ResponseParsing::systemStats);
  }

  /** {@link #queueRemaining()} without blocking a thread. */
  public CompletableFuture<Integer> queueRemainingAsync() {
    return getJsonAsync("prompt")
        .thenApply(json -> json.path("exec_info").path("queue_remaining").asInt(0));
  }

  public List<String> modelFolders() {
    return ResponseParsing.strings(getJson("models", null));
  }

  /** File names in a model folder; an unknown folder is a 404 {@link ComfyException.ApiError}. */
  public List<String> models(String folder) {
    return ResponseParsing.strings(getJson("models/" + folder, null));
  }

  public List<String> embeddings() {
    return ResponseParsing.strings(getJson("embeddings", null));
  }

  // ---- WebSocket

  /** Opens a session with a fresh client id; the listener hears every event and the end. */
  public ComfySession connect(ComfyListener listener) {
    return connect(UUID.randomUUID().toString().replace("-", ""), listener);
  }

  public ComfySession connect(String clientId, ComfyListener listener) {
    HttpUrl wsUrl = url("ws").newBuilder().addQueryParameter("clientId", clientId).build();
    WebSocketSession session =
        new WebSocketSession(
            http,
            authorized(new Request.Builder().url(wsUrl)).build(),
            clientId,
            listener,
            reconnect);
    session.open();
    return session;
  }

  // ---- plumbing

  private HttpUrl url(String path) {
    return Objects.requireNonNull(baseUrl.resolve(path), path);
  }

  private Request.Builder request(String path) {
    return authorized(new Request.Builder().url(url(path)));
  }

  private Request.Builder authorized(Request.Builder builder) {
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    return builder;
  }

  private JsonNode getJson(String path, @Nullable Map<String, String> query) {
    HttpUrl.Builder url = url(path).newBuilder();
    if (query != null) {
      query.forEach(url::addQueryParameter);
    }
    try (Response response = execute(authorized(new Request.Builder().url(url.build())).build())) {
      String text = bodyText(response);
      requireSuccess(response, text);
      return parse(text);
    }
  }

  private CompletableFuture<JsonNode> getJsonAsync(String path) {
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    Request request = request(path).build();
    Call call = http.newCall(request);
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call failed, IOException e) {
            result.completeExceptionally(
                new ComfyException.ConnectionFailed(
                    "GET " + request.url().encodedPath() + " failed: " + e.getMessage(), e));
          }

          @Override
          public void onResponse(Call done, Response response) {
            try (response) {
              String text = bodyText(response);
              requireSuccess(response, text);
              result.complete(parse(text));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          }
        });
    // a cancelled future cancels the call, so a probe timeout frees the connection
    result.whenComplete(
        (value, failure) -> {
          if (result.isCancelled()) {
            call.cancel();
          }
        });
    return result;
  }

  private void postForEmpty(String path, JsonNode body) {
    try (Response response = execute(request(path).post(jsonBody(body)).build())) {
      requireSuccess(response, bodyText(response));
    }
  }

  private static RequestBody jsonBody(JsonNode body) {
    return RequestBody.create(Json.MAPPER.writeValueAsString(body), JSON);
  }

  private Response execute(Request request) {
    try {
      return http.newCall(request).execute();
    } catch (IOException e) {
      throw new ComfyException.ConnectionFailed(
          request.method() + " " + request.url().encodedPath() + " failed: " + e.getMessage(), e);
    }
  }

  private static String bodyText(Response response) {
    try {
      return response.body().string();
    } catch (IOException e) {
      throw new ComfyException.ConnectionFailed("reading the answer failed: " + e.getMessage(), e);
    }
  }

  private static byte[] bodyBytes(Response response) {
    try {
      return response.body().bytes();
    } catch (IOException e) {
      throw new ComfyException.ConnectionFailed("reading the answer failed: " + e.getMessage(), e);
    }
  }

  private static void requireSuccess(Response response, String text) {
    if (response.isSuccessful()) {
      return;
    }
    JsonNode parsed = tryParse(text);
    String type = null;
    String message = text.isBlank() ? response.message() : abbreviate(text);
    if (parsed != null && parsed.path("error").isObject()) {
      type = parsed.path("error").path("type").asString(null);
      message = parsed.path("error").path("message").asString(message);
    } else if (parsed != null && parsed.path("error").isString()) {
      message = parsed.path("error").asString();
    }
    throw new ComfyException.ApiError(response.code(), type, message);
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static @Nullable JsonNode tryParse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new ComfyException.Undecodable("empty answer where JSON was expected", null);
      }
      return node;
    } catch (JacksonException e) {
      throw new ComfyException.Undecodable("answer is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ComfyClient[" + baseUrl + (bearerToken == null ? "" : ", bearer ***") + "]";
  }

  /** Builds a {@link ComfyClient}; only the base URL is required. */
  public static final class Builder {
    private @Nullable HttpUrl baseUrl;
    private @Nullable OkHttpClient httpClient;
    private @Nullable String bearerToken;
    private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;

    private Builder() {}

    public Builder baseUrl(String url) {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("not an http(s) URL: " + url);
      }
      return baseUrl(parsed);
    }

    /** The server root, e.g. {@code http://10.0.0.5:8188/}; a path prefix such as /api works. */
    public Builder baseUrl(HttpUrl url) {
      String path = url.encodedPath();
      this.baseUrl = path.endsWith("/") ? url : url.newBuilder().encodedPath(path + "/").build();
      return this;
    }

    public Builder httpClient(OkHttpClient client) {
      this.httpClient = client;
      return this;
    }

    /**
     * Sent as {@code Authorization: Bearer} for an auth proxy in front of ComfyUI; never logged.
     */
    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = policy;
      return this;
    }

    public ComfyClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      return new ComfyClient(this);
    }
  }
}
