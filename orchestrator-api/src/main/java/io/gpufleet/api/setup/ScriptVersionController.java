package io.gpufleet.api.setup;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.setup.SetupScriptVersion;
import io.gpufleet.scheduler.setup.ScriptAuthor;
import io.gpufleet.scheduler.setup.ScriptDiff;
import io.gpufleet.scheduler.setup.SetupScriptService;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The history of a setup script: every version saved (who, when), one version's content, the diff
 * between two, and restoring an old one (a new save with its content).
 */
@RestController
@RequestMapping("/api/v1/setup-scripts/{id}/versions")
@PreAuthorize("hasRole('ADMIN')")
class ScriptVersionController {

  private final SetupScriptService scripts;

  ScriptVersionController(SetupScriptService scripts) {
    this.scripts = scripts;
  }

  @GetMapping
  List<VersionSummary> versions(@PathVariable UUID id) {
    int current = scripts.get(id).getVersion();
    return scripts.versions(id).stream().map(v -> VersionSummary.of(v, current)).toList();
  }

  @GetMapping("/{version}")
  VersionView version(@PathVariable UUID id, @PathVariable int version) {
    return VersionView.of(scripts.version(id, version), scripts.get(id).getVersion());
  }

  /**
   * What changed from version {@code against} (by default the one before) to {@code version}; from
   * nothing for the first.
   */
  @GetMapping("/{version}/diff")
  DiffView diff(
      @PathVariable UUID id,
      @PathVariable int version,
      @RequestParam(required = false) @Nullable Integer against) {
    SetupScriptVersion to = scripts.version(id, version);
    if (against == null && version == 1) {
      return new DiffView(version, 0, ScriptDiff.unified("v0", "", "v1", to.getContent()));
    }
    int from = against == null ? version - 1 : against;
    return new DiffView(version, from, scripts.diff(id, version, from));
  }

  /** Saves that version's content as the script's next version. */
  @PostMapping("/{version}/restore")
  SetupController.ScriptView restore(
      @PathVariable UUID id,
      @PathVariable int version,
      @AuthenticationPrincipal AuthenticatedUser user) {
    return SetupController.ScriptView.of(scripts.restore(id, version, author(user)));
  }

  static ScriptAuthor author(AuthenticatedUser user) {
    return new ScriptAuthor(user.id(), user.username());
  }

  record VersionSummary(
      int version,
      @Nullable UUID authorId,
      String author,
      Instant savedAt,
      boolean current,
      int lines) {
    static VersionSummary of(SetupScriptVersion v, int current) {
      return new VersionSummary(
          v.getVersion(),
          v.getAuthorId(),
          v.getAuthorName(),
          v.getSavedAt(),
          v.getVersion() == current,
          (int) v.getContent().lines().count());
    }
  }

  record VersionView(
      UUID scriptId,
      int version,
      @Nullable UUID authorId,
      String author,
      Instant savedAt,
      boolean current,
      String content) {
    static VersionView of(SetupScriptVersion v, int current) {
      return new VersionView(
          v.getScriptId(),
          v.getVersion(),
          v.getAuthorId(),
          v.getAuthorName(),
          v.getSavedAt(),
          v.getVersion() == current,
          v.getContent());
    }
  }

  /** A unified diff ({@code diff -u}) from version {@code against} to {@code version}. */
  record DiffView(int version, int against, String diff) {}
}
