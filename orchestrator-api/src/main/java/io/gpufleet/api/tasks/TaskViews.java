package io.gpufleet.api.tasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gpufleet.api.generations.GenerationViews.OutputView;
import io.gpufleet.api.providers.ProfileOptions;
import io.gpufleet.persistence.tasks.Task;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the tasks API reads and answers. */
final class TaskViews {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private TaskViews() {}

  /**
   * {@code POST /tasks}. A {@code text} task goes to {@code profileId}, or else to the first
   * enabled profile of {@code provider}, with {@code model} (default: the profile's), {@code
   * systemPrompt} and {@code options}. An {@code image} task is a generation on {@code workflowId}
   * (default: the default workflow) with the {@code prompt} and {@code inputs} (keyed node/field or
   * by shortcut, as {@code POST /generations} takes them); its provider is {@code comfyui}.
   */
  record CreateTask(
      @Nullable @Size(max = 200) String name,
      @NotBlank @Pattern(regexp = "text|image", message = "must be text or image") String type,
      @Nullable @Size(max = 16) String provider,
      @Nullable UUID profileId,
      @Nullable @Size(max = 300) String model,
      @NotBlank @Size(max = 200_000) String prompt,
      @Nullable @Size(max = 200_000) String systemPrompt,
      @Nullable @Valid ProfileOptions options,
      @Nullable UUID workflowId,
      @Nullable @Size(max = 200) Map<String, JsonNode> inputs) {

    boolean isText() {
      return Task.TEXT.equals(type);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record TaskView(
      UUID id,
      String name,
      String type,
      String status,
      String provider,
      @Nullable UUID profileId,
      @Nullable String model,
      String prompt,
      @Nullable String systemPrompt,
      JsonNode options,
      @Nullable UUID workflowId,
      @Nullable UUID generationId,
      @Nullable String result,
      @Nullable List<OutputView> outputs,
      @Nullable Usage usage,
      @Nullable BigDecimal cost,
      int attempts,
      int maxAttempts,
      int retries,
      @Nullable ErrorView error,
      Instant createdAt,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable Long durationMs,
      Map<String, String> links) {}

  record Usage(int promptTokens, int completionTokens, int totalTokens) {}

  /**
   * Why it failed; on a pending task, why its last attempt did (it will be tried again).
   *
   * @param code a provider's problem code ({@code PROVIDER_ERROR}, {@code MODEL_NOT_FOUND}, …) or a
   *     generation's error type
   */
  record ErrorView(String code, String message) {}

  static TaskView of(Task t, @Nullable List<OutputView> outputs) {
    String base = "/api/v1/tasks/" + t.getId();
    Integer prompt = t.getPromptTokens();
    Integer completion = t.getCompletionTokens();
    Map<String, String> links =
        t.getGenerationId() == null
            ? Map.of("self", base, "events", base + "/events")
            : Map.of(
                "self",
                base,
                "events",
                base + "/events",
                "generation",
                "/api/v1/generations/" + t.getGenerationId());
    return new TaskView(
        t.getId(),
        t.getName(),
        t.getType(),
        t.getStatus().name(),
        t.getProvider(),
        t.getProfileId(),
        t.getModel(),
        t.getPrompt(),
        t.getSystemPrompt(),
        JSON.readTree(t.getOptions()),
        t.getWorkflowId(),
        t.getGenerationId(),
        t.getResult(),
        outputs,
        prompt == null || completion == null
            ? null
            : new Usage(prompt, completion, prompt + completion),
        t.getCost(),
        t.getAttempts(),
        t.getMaxAttempts(),
        t.getRetries(),
        t.getErrorMessage() == null
            ? null
            : new ErrorView(
                t.getErrorCode() == null ? "ERROR" : t.getErrorCode(), t.getErrorMessage()),
        t.getCreatedAt(),
        t.getStartedAt(),
        t.getFinishedAt(),
        t.getStartedAt() == null || t.getFinishedAt() == null
            ? null
            : Duration.between(t.getStartedAt(), t.getFinishedAt()).toMillis(),
        links);
  }
}
