package io.gpufleet.api.generations;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.persistence.generations.Generation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Requests and responses of the generations API; webhooks, history and live show the same view. */
public final class GenerationViews {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private GenerationViews() {}

  /** {@code POST /generations}: inputs keyed node/field or by shortcut, both also accepted flat. */
  record CreateGeneration(
      @Nullable UUID workflowId,
      @Nullable Map<String, JsonNode> inputs,
      @Nullable String prompt,
      @Nullable String negativePrompt,
      @Nullable JsonNode width,
      @Nullable JsonNode height,
      @Nullable JsonNode steps,
      @Nullable JsonNode cfg,
      @Nullable JsonNode seed,
      @Nullable String sampler,
      @Nullable String scheduler,
      @Nullable String checkpoint,
      @Nullable JsonNode loras,
      @Nullable UUID sessionId,
      @Nullable Integer priority,
      @Nullable UUID serverId,
      @Nullable String webhookUrl) {

    /** Every input asked for: {@code inputs} and the flat shortcuts, the flat ones winning. */
    Map<String, JsonNode> allInputs() {
      Map<String, JsonNode> all = new LinkedHashMap<>();
      if (inputs() != null) {
        all.putAll(inputs());
      }
      var json = GenerationViews.JSON;
      putIf(all, "prompt", prompt() == null ? null : json.getNodeFactory().stringNode(prompt()));
      putIf(
          all,
          "negativePrompt",
          negativePrompt() == null ? null : json.getNodeFactory().stringNode(negativePrompt()));
      putIf(all, "width", width());
      putIf(all, "height", height());
      putIf(all, "steps", steps());
      putIf(all, "cfg", cfg());
      putIf(all, "seed", seed());
      putIf(all, "sampler", sampler() == null ? null : json.getNodeFactory().stringNode(sampler()));
      putIf(
          all,
          "scheduler",
          scheduler() == null ? null : json.getNodeFactory().stringNode(scheduler()));
      putIf(
          all,
          "checkpoint",
          checkpoint() == null ? null : json.getNodeFactory().stringNode(checkpoint()));
      putIf(all, "loras", loras());
      return all;
    }

    private static void putIf(Map<String, JsonNode> all, String key, @Nullable JsonNode value) {
      if (value != null && !value.isNull()) {
        all.put(key, value);
      }
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GenerationView(
      UUID id,
      String status,
      @Nullable UUID workflowId,
      String source,
      @Nullable UUID sessionId,
      int priority,
      @Nullable UUID serverId,
      @Nullable UUID pinnedServerId,
      JsonNode inputs,
      @Nullable Long seed,
      int attempts,
      int maxAttempts,
      int progress,
      @Nullable NodeView currentNode,
      int executedNodes,
      int totalNodes,
      @Nullable Integer step,
      @Nullable Integer maxSteps,
      @Nullable Long queuePosition,
      @Nullable Long etaSeconds,
      Instant createdAt,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable Double gpuSeconds,
      @Nullable BigDecimal cost,
      List<OutputView> outputs,
      @Nullable Integer outputsPending,
      @Nullable Instant outputsExpiredAt,
      @Nullable ErrorView error,
      Map<String, String> links) {}

  public record NodeView(String id, @Nullable String type, @Nullable String title) {}

  /**
   * @param size its bytes (absent for outputs stored before sizes were recorded)
   * @param storage {@code stored} in the result store, {@code spooled} while it waits on the
   *     platform's disk for the store, {@code expired} once retention deleted it (downloads then
   *     answer 410 OUTPUT_EXPIRED)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record OutputView(
      int index, String url, String contentType, @Nullable Long size, String storage) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErrorView(
      @Nullable String nodeId, @Nullable String nodeType, String type, String message) {}

  /** The view without its place in the queue and estimate (exports, webhooks). */
  public static GenerationView of(
      Generation g, @Nullable Long queuePosition, @Nullable Long etaSeconds) {
    String base = "/api/v1/generations/" + g.getId();
    Generation.Progress p = g.getProgress();
    Generation.Failure f = g.getFailure();
    boolean failed = g.getStatus().name().equals("FAILED");
    return new GenerationView(
        g.getId(),
        g.getStatus().name(),
        g.getRequest().workflowId(),
        g.getSource(),
        g.getRequest().sessionId(),
        g.getRequest().priority(),
        g.getAttempt().serverId(),
        g.getRequest().pinnedServerId(),
        inputs(g),
        g.getRequest().seed(),
        g.getAttempt().number(),
        g.getRequest().maxAttempts(),
        p.percent(),
        p.nodeId() == null ? null : new NodeView(p.nodeId(), p.nodeType(), p.nodeTitle()),
        p.executedNodes(),
        p.totalNodes(),
        p.step(),
        p.maxSteps(),
        queuePosition,
        etaSeconds,
        g.getTimings().createdAt(),
        g.getTimings().startedAt(),
        g.getTimings().finishedAt(),
        g.getGpuSeconds(),
        g.getCost(),
        outputs(g).stream()
            .map(
                o ->
                    new OutputView(
                        o.index(),
                        base + "/outputs/" + o.index(),
                        o.contentType(),
                        o.size(),
                        g.getOutputsDeletedAt() != null
                            ? "expired"
                            : o.spooled() ? "spooled" : "stored"))
            .toList(),
        g.getOutputsPending() > 0 ? g.getOutputsPending() : null,
        g.getOutputsDeletedAt(),
        failed && f != null ? new ErrorView(f.nodeId(), f.nodeType(), f.type(), f.message()) : null,
        Map.of(
            "self", base,
            "workflow", base + "/workflow",
            "events", base + "/events",
            "preview", base + "/preview",
            "cancel", base + "/cancel",
            "regenerate", base + "/regenerate"));
  }

  /**
   * What the caller asked for, as given (node/field keys and shortcuts); the snapshot has the rest.
   */
  static JsonNode inputs(Generation g) {
    String json = g.getRequest().inputs();
    return json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
  }

  /** Its stored outputs, in index order. */
  public static List<StoredOutput> outputs(Generation g) {
    String json = g.getOutputs();
    return json == null
        ? List.of()
        : JSON.readValue(json, new TypeReference<List<StoredOutput>>() {});
  }
}
