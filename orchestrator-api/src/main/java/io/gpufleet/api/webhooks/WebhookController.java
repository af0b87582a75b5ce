package io.gpufleet.api.webhooks;

import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.users.AuthenticatedUser;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Webhook deliveries of a generation, and the caller's signing secret. */
@RestController
class WebhookController {

  private final Webhooks webhooks;
  private final WebhookSecrets secrets;
  private final GenerationService service;

  WebhookController(Webhooks webhooks, WebhookSecrets secrets, GenerationService service) {
    this.webhooks = webhooks;
    this.secrets = secrets;
    this.service = service;
  }

  @GetMapping("/api/v1/generations/{id}/webhook-deliveries")
  List<Webhooks.Attempt> deliveries(
      @AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    service.find(user, id);
    return webhooks.attempts(id);
  }

  /** The secret is the caller's own; a secret shared by all users is never shown. */
  @GetMapping("/api/v1/webhooks/secret")
  Map<String, String> secret(@AuthenticationPrincipal AuthenticatedUser user) {
    if (secrets.sharedSecret()) {
      throw ApiException.conflict(
          ErrorCodes.CONFLICT, "Webhooks are signed with the operator's gpufleet.webhooks.secret");
    }
    return Map.of("secret", secrets.secretFor(user.id()), "header", Webhooks.SIGNATURE_HEADER);
  }
}
