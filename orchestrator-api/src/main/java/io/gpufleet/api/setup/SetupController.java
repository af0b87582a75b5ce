package io.gpufleet.api.setup;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.ServerExecution;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.scheduler.setup.OutputPage;
import io.gpufleet.scheduler.setup.SetupRunService;
import io.gpufleet.scheduler.setup.SetupScriptDraft;
import io.gpufleet.scheduler.setup.SetupScriptService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Setup scripts, and their runs on servers: start, reset, watch the output as it arrives (page
 * through it with {@code from}), cancel.
 */
@RestController
@Validated
@RequestMapping("/api/v1")
@PreAuthorize("hasRole('ADMIN')")
class SetupController {

  private final SetupScriptService scripts;
  private final SetupRunService runs;

  SetupController(SetupScriptService scripts, SetupRunService runs) {
    this.scripts = scripts;
    this.runs = runs;
  }

  @GetMapping("/setup-scripts")
  List<ScriptView> scripts() {
    return scripts.list().stream().map(ScriptView::of).toList();
  }

  @PostMapping("/setup-scripts")
  ResponseEntity<ScriptView> create(
      @Valid @RequestBody ScriptRequest request, @AuthenticationPrincipal AuthenticatedUser user) {
    ScriptView created =
        ScriptView.of(
            scripts.create(
                request.draft(ScriptKind.INSTALL), ScriptVersionController.author(user)));
    return ResponseEntity.created(URI.create("/api/v1/setup-scripts/" + created.id()))
        .body(created);
  }

  @GetMapping("/setup-scripts/{id}")
  ScriptView script(@PathVariable UUID id) {
    return ScriptView.of(scripts.get(id));
  }

  /** A changed content is the next version; the one before stays in the history. */
  @PutMapping("/setup-scripts/{id}")
  ScriptView update(
      @PathVariable UUID id,
      @Valid @RequestBody ScriptRequest request,
      @AuthenticationPrincipal AuthenticatedUser user) {
    return ScriptView.of(
        scripts.update(
            id, request.draft(scripts.get(id).getKind()), ScriptVersionController.author(user)));
  }

  @DeleteMapping("/setup-scripts/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable UUID id) {
    scripts.delete(id);
  }

  /** Runs the server's setup script, or this once the one the body names. */
  @PostMapping("/servers/{id}/setup")
  ResponseEntity<ExecutionView> setup(
      @PathVariable UUID id, @RequestBody(required = false) @Nullable StartSetup body) {
    UUID script = body == null ? null : body.setupScriptId();
    return accepted(script == null ? runs.startSetup(id) : runs.startSetup(id, script));
  }

  record StartSetup(@Nullable UUID setupScriptId) {}

  /** Runs the reset script, then (when it succeeds) the setup script as a second run. */
  @PostMapping("/servers/{id}/setup/reset")
  ResponseEntity<ExecutionView> reset(@PathVariable UUID id) {
    return accepted(runs.startReset(id));
  }

  @GetMapping("/servers/{id}/executions")
  List<ExecutionView> executions(@PathVariable UUID id) {
    return runs.executions(id).stream().map(e -> ExecutionView.of(e, false)).toList();
  }

  @GetMapping("/executions/{id}")
  ExecutionView execution(@PathVariable UUID id) {
    return ExecutionView.of(runs.get(id), true);
  }

  /** Output from {@code from} (a character offset); {@code next} is where the next read starts. */
  @GetMapping("/executions/{id}/output")
  OutputPage output(@PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) long from) {
    return runs.outputPage(id, from);
  }

  @PostMapping("/executions/{id}/cancel")
  ExecutionView cancel(@PathVariable UUID id) {
    return ExecutionView.of(runs.cancel(id), false);
  }

  private static ResponseEntity<ExecutionView> accepted(ServerExecution execution) {
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/executions/" + execution.getId()))
        .body(ExecutionView.of(execution, false));
  }

  record ScriptRequest(
      @NotBlank @Size(max = 100) String name,
      @Nullable @Size(max = 1000) String description,
      @NotBlank @Size(max = 200_000) String content,
      @Nullable ScriptKind kind) {

    /** {@code kind} defaults to what the script was, or INSTALL for a new one. */
    SetupScriptDraft draft(ScriptKind otherwise) {
      try {
        return new SetupScriptDraft(name, description, content, kind == null ? otherwise : kind);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("SETUP_SCRIPT_INVALID", e.getMessage());
      }
    }
  }

  record ScriptView(
      UUID id,
      String name,
      @Nullable String description,
      ScriptKind kind,
      int version,
      boolean builtin,
      String content,
      Instant createdAt,
      Instant updatedAt) {

    static ScriptView of(SetupScript s) {
      return new ScriptView(
          s.getId(),
          s.getName(),
          s.getDescription(),
          s.getKind(),
          s.getVersion(),
          s.isBuiltin(),
          s.getContent(),
          s.getCreatedAt(),
          s.getUpdatedAt());
    }
  }
}
