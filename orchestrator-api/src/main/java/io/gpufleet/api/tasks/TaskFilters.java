package io.gpufleet.api.tasks;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.BodyText;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.domain.Specification;

/**
 * The list's and the export's filters, the caller's tasks only unless an admin asks. {@code search}
 * finds the words in the name or the prompt, whatever their case.
 */
record TaskFilters(
    @Nullable TaskStatus status,
    @Nullable String provider,
    @Nullable String type,
    @Nullable Instant from,
    @Nullable Instant to,
    @Nullable String search) {

  /** From the query's text, checked: values that match nothing the API knows are 400s. */
  static TaskFilters parse(
      @Nullable String status,
      @Nullable String provider,
      @Nullable String type,
      @Nullable Instant from,
      @Nullable Instant to,
      @Nullable String search) {
    List<ApiException.FieldProblem> wrong = new ArrayList<>();
    TaskStatus parsedStatus = null;
    if (status != null && !status.isBlank()) {
      parsedStatus = status(status);
      if (parsedStatus == null) {
        wrong.add(
            new ApiException.FieldProblem(
                "status", "must be one of PENDING, RUNNING, COMPLETED, FAILED, CANCELLED"));
      }
    }
    String parsedProvider = null;
    if (provider != null && !provider.isBlank()) {
      parsedProvider = provider.strip().toLowerCase(Locale.ROOT);
      if (!List.of("ollama", "openai", "gemini", "claude", "comfyui").contains(parsedProvider)) {
        wrong.add(
            new ApiException.FieldProblem(
                "provider", "must be one of ollama, openai, gemini, claude, comfyui"));
      }
    }
    String parsedType = null;
    if (type != null && !type.isBlank()) {
      parsedType = type.strip().toLowerCase(Locale.ROOT);
      if (!parsedType.equals(Task.TEXT) && !parsedType.equals(Task.IMAGE)) {
        wrong.add(new ApiException.FieldProblem("type", "must be text or image"));
      }
    }
    if (search != null && search.length() > 200) {
      wrong.add(new ApiException.FieldProblem("search", "must be at most 200 characters"));
    } else if (search != null && !BodyText.problems(search).isEmpty()) {
      // NUL and other control characters: PostgreSQL refuses them in text
      wrong.add(new ApiException.FieldProblem("search", "must be plain text"));
    }
    if (!wrong.isEmpty()) {
      throw ApiException.invalid(wrong);
    }
    return new TaskFilters(
        parsedStatus,
        parsedProvider,
        parsedType,
        from,
        to,
        search == null || search.isBlank() ? null : search.strip());
  }

  /** A status by its name in any case; the seed's {@code complete} is COMPLETED. */
  private static @Nullable TaskStatus status(String text) {
    String name = text.strip().toUpperCase(Locale.ROOT);
    if (name.equals("COMPLETE")) {
      return TaskStatus.COMPLETED;
    }
    for (TaskStatus s : TaskStatus.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  Specification<Task> of(AuthenticatedUser user) {
    List<Specification<Task>> filters = new ArrayList<>();
    if (!user.isAdmin()) {
      filters.add((r, q, cb) -> cb.equal(r.get("userId"), user.id()));
    }
    if (status != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("status"), status));
    }
    if (provider != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("provider"), provider));
    }
    if (type != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("type"), type));
    }
    if (from != null) {
      filters.add((r, q, cb) -> cb.greaterThanOrEqualTo(r.get("createdAt"), from));
    }
    if (to != null) {
      filters.add((r, q, cb) -> cb.lessThan(r.get("createdAt"), to));
    }
    if (search != null) {
      String pattern =
          "%"
              + search
                  .toLowerCase(Locale.ROOT)
                  .replace("\\", "\\\\")
                  .replace("%", "\\%")
                  .replace("_", "\\_")
              + "%";
      filters.add(
          (r, q, cb) ->
              cb.or(
                  cb.like(cb.lower(r.get("name")), pattern, '\\'),
                  cb.like(cb.lower(r.get("prompt")), pattern, '\\')));
    }
    return Specification.allOf(filters);
  }
}
