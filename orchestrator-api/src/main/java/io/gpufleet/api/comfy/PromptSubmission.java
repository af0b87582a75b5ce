package io.gpufleet.api.comfy;

import io.gpufleet.api.generations.GraphSubmissions;
import io.gpufleet.api.uploads.UploadStore;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.comfy.workflow.WorkflowException;
import io.gpufleet.persistence.generations.Generation;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /prompt}: ComfyUI's body read as ComfyUI reads it, the graph validated against the
 * fleet's union, the caller's uploads put in place, then a generation of the caller under the
 * client's {@code prompt_id} (or a fresh one) with what ComfyUI keeps beside it.
 */
@Component
class PromptSubmission {

  /** Output node classes of core ComfyUI, for a fleet whose object_info is not known yet. */
  private static final Set<String> CORE_OUTPUTS =
      Set.of(
          "SaveImage",
          "PreviewImage",
          "SaveAnimatedWEBP",
          "SaveAnimatedPNG",
          "SaveImageWebsocket",
          "SaveLatent",
          "SaveVideo",
          "SaveWEBM",
          "SaveAudio",
          "PreviewAny");

  /** Credentials for Comfy.org's paid nodes: ComfyUI strips them from what it shows. */
  private static final List<String> SENSITIVE =
      List.of("api_key_comfy_org", "auth_token_comfy_org");

  private final FleetObjectInfo fleet;
  private final ComfyPrompts prompts;
  private final GraphSubmissions submissions;
  private final UploadStore uploads;
  private final Clock clock;

  PromptSubmission(
      FleetObjectInfo fleet,
      ComfyPrompts prompts,
      GraphSubmissions submissions,
      UploadStore uploads,
      Clock clock) {
    this.fleet = fleet;
    this.prompts = prompts;
    this.submissions = submissions;
    this.uploads = uploads;
    this.clock = clock;
  }

  /** What {@code POST /prompt} answers on success. */
  record Accepted(UUID promptId, BigDecimal number, ObjectNode nodeErrors) {}

  Accepted submit(AuthenticatedUser user, JsonNode body) {
    if (!body.isObject()) {
      throw refusal("invalid_prompt", "The request body is not a JSON object", "");
    }
    JsonNode prompt = body.get("prompt");
    if (prompt == null) {
      throw refusal("no_prompt", "No prompt provided", "No prompt provided");
    }
    UUID id = promptId(body.get("prompt_id"));
    BigDecimal number = number(user, body);
    if (!prompt.isObject()) {
      throw refusal(
          "invalid_prompt", "The prompt is not an API-format graph", "a JSON object by node id");
    }
    FleetObjectInfo.Union union = fleet.current();
    ObjectNode graph = withUploads(user, (ObjectNode) prompt.deepCopy(), union.definitions());
    PromptValidator.Result result =
        PromptValidator.validate(
            graph,
            union.definitions(),
            body.get("partial_execution_targets"),
            v -> v.startsWith("upload:"),
            CORE_OUTPUTS);
    if (result.error() != null) {
      throw new ComfyRefusal(400, result.error());
    }
    boolean partial = !result.nodeErrors().isEmpty() || body.has("partial_execution_targets");
    Workflow workflow;
    try {
      workflow = Workflow.fromJson(partial ? upstreamOf(graph, result.outputs()) : graph);
    } catch (WorkflowException e) {
      throw refusal("invalid_prompt", "The prompt is not an API-format graph", e.getMessage());
    }
    String clientId = text(body.get("client_id"));
    ObjectNode extraData = extraData(body.get("extra_data"), clientId);
    int priority = body.path("front").asBoolean(false) && !body.has("number") ? 1 : 0;
    submissions.submit(
        user,
        new GraphSubmissions.GraphSubmission(id, workflow, priority, Generation.SOURCE_COMFY),
        g ->
            prompts.insert(
                new ComfyPrompts.Prompt(
                    g.getId(),
                    user.id(),
                    clientId,
                    number,
                    extraData,
                    result.outputs(),
                    clock.instant())));
    return new Accepted(id, number, result.nodeErrors());
  }

  /**
   * The client's id if it chose one (canonical UUIDs only, as newer ComfyUI insists: an id we could
   * not keep would break its correlation silently), else a fresh one.
   */
  private static UUID promptId(@Nullable JsonNode given) {
    if (given == null || given.isNull()) {
      return UUID.randomUUID();
    }
    String text = given.isString() ? given.asString().strip().toLowerCase(Locale.ROOT) : "";
    try {
      UUID id = UUID.fromString(text);
      if (id.toString().equals(text)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // falls through
    }
    throw refusal(
        "invalid_prompt_id",
        "Invalid prompt_id",
        "prompt_id must be a hyphenated UUID, got " + given);
  }

  /** The client's explicit number, else the caller's counter ({@code front}: negative). */
  private BigDecimal number(AuthenticatedUser user, JsonNode body) {
    JsonNode given = body.get("number");
    if (given != null && given.isNumber()) {
      return given.decimalValue();
    }
    long counter = prompts.nextNumber(user.id());
    return BigDecimal.valueOf(body.path("front").asBoolean(false) ? -counter : counter);
  }

  /**
   * Image inputs that name one of the caller's uploads by the name {@code /upload/image} answered
   * become {@code upload:<id>}, which dispatch puts on the chosen server.
   */
  private ObjectNode withUploads(
      AuthenticatedUser user, ObjectNode graph, @Nullable NodeDefinitions definitions) {
    graph
        .properties()
        .forEach(
            node -> {
              JsonNode inputs = node.getValue().path("inputs");
              String cls = node.getValue().path("class_type").asString("");
              if (!inputs.isObject()) {
                return;
              }
              ObjectNode fields = (ObjectNode) inputs;
              for (String name : List.copyOf(fields.propertyNames())) {
                JsonNode value = fields.get(name);
                if (value.isString() && isImageInput(definitions, cls, name)) {
                  ownUpload(user, value.asString()).ifPresent(u -> fields.put(name, "upload:" + u));
                }
              }
            });
    return graph;
  }

  private static boolean isImageInput(
      @Nullable NodeDefinitions definitions, String cls, String input) {
    if (definitions == null) {
      return "LoadImage".equals(cls) && "image".equals(input);
    }
    return definitions
        .get(cls)
        .flatMap(d -> d.input(input))
        .map(InputSpec::imageUpload)
        .orElse(false);
  }

  private Optional<UUID> ownUpload(AuthenticatedUser user, String value) {
    return FileNames.parseUpload(value)
        .filter(id -> uploads.find(id).filter(u -> u.userId().equals(user.id())).isPresent());
  }

  /** The output nodes and everything they read from: what ComfyUI runs of a partial prompt. */
  private static ObjectNode upstreamOf(ObjectNode graph, List<String> outputs) {
    Set<String> keep = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(outputs);
    while (!todo.isEmpty()) {
      String id = todo.pop();
      JsonNode node = graph.get(id);
      if (node == null || !keep.add(id)) {
        continue;
      }
      node.path("inputs")
          .forEach(
              v -> {
                if (v.isArray() && v.size() == 2 && v.get(0).isString()) {
                  todo.push(v.get(0).asString());
                }
              });
    }
    ObjectNode out = graph.objectNode();
    graph
        .properties()
        .forEach(
            e -> {
              if (keep.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }

  private static ObjectNode extraData(@Nullable JsonNode given, @Nullable String clientId) {
    ObjectNode extra =
        given != null && given.isObject()
            ? (ObjectNode) given.deepCopy()
            : ComfyPrompts.JSON.createObjectNode();
    SENSITIVE.forEach(extra::remove);
    if (clientId != null) {
      extra.put("client_id", clientId);
    }
    return extra;
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
  }

  static ComfyRefusal refusal(String type, String message, String details) {
    return new ComfyRefusal(
        400,
        PromptValidator.errorBody(type, message, details, ComfyPrompts.JSON.createObjectNode()));
  }
}
