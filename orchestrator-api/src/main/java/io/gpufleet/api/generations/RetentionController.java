package io.gpufleet.api.generations;

import io.gpufleet.api.results.ResultProperties;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.users.UserRepository;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admins set how long a user's outputs are kept, over the global rule. */
@RestController
@RequestMapping("/api/v1/users/{id}/retention")
@PreAuthorize("hasRole('ADMIN')")
class RetentionController {

  /** The users feature's code for an unknown user, answered the same here. */
  static final String USER_NOT_FOUND = "USER_NOT_FOUND";

  /** Ten years: beyond that, 0 (keep forever) says what is meant. */
  static final int MAX_DAYS = 3650;

  private final RetentionRules rules;
  private final UserRepository users;
  private final ResultProperties settings;
  private final Clock clock;

  RetentionController(
      RetentionRules rules, UserRepository users, ResultProperties settings, Clock clock) {
    this.rules = rules;
    this.users = users;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The rule that applies to a user's outputs.
   *
   * @param days outputs are deleted this many days after their generation finished; 0 never
   * @param source {@code user} (their own rule) or {@code global} ({@code retention-days})
   * @param globalDays the global rule, for comparison
   * @param updatedAt when the user's own rule was set; absent for the global one
   */
  record RetentionView(
      UUID userId, int days, String source, int globalDays, @Nullable Instant updatedAt) {}

  record SetRetention(@NotNull @Min(0) @Max(MAX_DAYS) Integer days) {}

  @GetMapping
  RetentionView get(@PathVariable UUID id) {
    requireUser(id);
    return view(id);
  }

  @PutMapping
  RetentionView set(@PathVariable UUID id, @Valid @RequestBody SetRetention request) {
    requireUser(id);
    rules.set(id, request.days(), clock.instant());
    return view(id);
  }

  @DeleteMapping
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void clear(@PathVariable UUID id) {
    requireUser(id);
    rules.clear(id);
  }

  private RetentionView view(UUID user) {
    int global = Math.max(0, settings.retentionDays());
    return rules
        .of(user)
        .map(r -> new RetentionView(user, r.days(), "user", global, r.updatedAt()))
        .orElseGet(() -> new RetentionView(user, global, "global", global, null));
  }

  private void requireUser(UUID id) {
    if (!users.existsById(id)) {
      throw ApiException.notFound(USER_NOT_FOUND, "There is no user " + id);
    }
  }
}
