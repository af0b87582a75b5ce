package io.gpufleet.api.servers;

import io.gpufleet.api.servers.ServerViews.ConnectionResult;
import io.gpufleet.api.servers.ServerViews.ConnectionTest;
import io.gpufleet.api.servers.ServerViews.CreateServer;
import io.gpufleet.api.servers.ServerViews.ServerView;
import io.gpufleet.api.servers.ServerViews.UpdateServer;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.api.system.UrlNotAllowed;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import io.gpufleet.scheduler.providers.ServerProviders;
import io.gpufleet.scheduler.registered.StaticProvider;
import io.gpufleet.scheduler.secrets.SecretBox;
import io.gpufleet.scheduler.servers.NewRegisteredServer;
import io.gpufleet.scheduler.servers.NewServer;
import io.gpufleet.scheduler.servers.Reconciler;
import io.gpufleet.scheduler.servers.ServerChanges;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import io.gpufleet.scheduler.vast.VastProvider;
import jakarta.validation.Valid;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Servers, for admins: create (from a spec or an offer), list, read, change, start, stop (with a
 * drain unless told not to), destroy, re-provision. Actions answer 202: the machine follows.
 */
@RestController
@RequestMapping("/api/v1/servers")
@PreAuthorize("hasRole('ADMIN')")
class ServerController {

  private final ServerLifecycle lifecycle;
  private final ServerRepository servers;
  private final Reconciler reconciler;
  private final ConnectionCheck connections;
  private final SecretBox secrets;
  private final ServerProviders providers;
  private final OutboundPolicies outbound;

  ServerController(
      ServerLifecycle lifecycle,
      ServerRepository servers,
      Reconciler reconciler,
      ConnectionCheck connections,
      SecretBox secrets,
      ServerProviders providers,
      OutboundPolicies outbound) {
    this.outbound = outbound;
    this.lifecycle = lifecycle;
    this.servers = servers;
    this.reconciler = reconciler;
    this.connections = connections;
    this.secrets = secrets;
    this.providers = providers;
  }

  @PostMapping
  ResponseEntity<ServerView> create(@Valid @RequestBody CreateServer request) {
    ServerView created =
        view(
            StaticProvider.NAME.equals(request.provider())
                    || request.comfyUrl() != null
                    || request.ollamaUrl() != null
                ? register(request)
                : rent(request));
    return ResponseEntity.created(URI.create("/api/v1/servers/" + created.id())).body(created);
  }

  private static ServerEngine engine(CreateServer request) {
    return request.engine() == null
        ? ServerEngine.COMFYUI
        : ServerEngine.parse(request.engine()).orElse(ServerEngine.COMFYUI);
  }

  /** A ComfyUI that exists already: checked, then registered; its token is kept encrypted. */
  private Server register(CreateServer request) {
    if (engine(request) == ServerEngine.OLLAMA) {
      return registerOllama(request);
    }
    if (request.ollamaUrl() != null) {
      throw ApiException.invalidField("ollamaUrl", "is for engine 'ollama'");
    }
    if (request.comfyUrl() == null) {
      throw ApiException.invalidField("comfyUrl", "is required for provider 'static'");
    }
    if ((request.startCommand() == null) != (request.stopCommand() == null)) {
      throw ApiException.invalidField("stopCommand", "start and stop commands come together");
    }
    if (request.startCommand() != null && request.ssh() == null) {
      throw ApiException.invalidField("ssh", "is required to run start and stop commands");
    }
    String token = request.token() == null || request.token().isBlank() ? null : request.token();
    if (request.ssh() != null) {
      try {
        outbound
            .servers()
            .checkAddress(
                request.ssh().host(), request.ssh().port() == null ? 22 : request.ssh().port());
      } catch (UrlNotAllowedException e) {
        throw UrlNotAllowed.problem(e, "ssh.host");
      }
    }
    connections.check(request.comfyUrl(), token);
    return lifecycle.register(
        new NewRegisteredServer(
            request.name(),
            request.provider() == null ? StaticProvider.NAME : request.provider(),
            request.comfyUrl().replaceAll("/+$", ""),
            token == null ? null : secrets.encrypt(token),
            request.ssh() == null ? null : request.ssh().host(),
            request.ssh() == null ? null : request.ssh().port() == null ? 22 : request.ssh().port(),
            request.ssh() == null ? null : request.ssh().user(),
            request.startCommand(),
            request.stopCommand(),
            request.pricePerHour() == null ? BigDecimal.ZERO : request.pricePerHour(),
            request.idleStopMinutes()));
  }

  /**
   * An Ollama that exists already. Its URL must pass the outbound policy of servers; whether Ollama
   * answers there is the health probe's to tell (it stays out of routing until it does).
   */
  private Server registerOllama(CreateServer request) {
    String url = request.ollamaUrl();
    if (url == null) {
      throw ApiException.invalidField("ollamaUrl", "is required for engine 'ollama'");
    }
    if (request.comfyUrl() != null) {
      throw ApiException.invalidField("comfyUrl", "is not for engine 'ollama'; give ollamaUrl");
    }
    if (request.startCommand() != null || request.stopCommand() != null) {
      throw ApiException.invalidField("startCommand", "is not supported for engine 'ollama'");
    }
    try {
      ConnectionCheck.requireWellFormed(url);
    } catch (ApiException e) {
      throw ApiException.invalidField("ollamaUrl", "must be an http(s) URL with a host");
    }
    try {
      outbound.servers().check(url);
    } catch (UrlNotAllowedException e) {
      throw UrlNotAllowed.problem(e, "ollamaUrl");
    }
    return lifecycle.register(
        new NewRegisteredServer(
            request.name(),
            request.provider() == null ? StaticProvider.NAME : request.provider(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            request.pricePerHour() == null ? BigDecimal.ZERO : request.pricePerHour(),
            request.idleStopMinutes(),
            ServerEngine.OLLAMA,
            url.replaceAll("/+$", "")));
  }

  /** Checks a ComfyUI before it becomes a server; stores nothing. */
  @PostMapping("/test-connection")
  ConnectionResult testConnection(@Valid @RequestBody ConnectionTest request) {
    String token = request.token() == null || request.token().isBlank() ? null : request.token();
    return connections.check(request.comfyUrl(), token);
  }

  private Server rent(CreateServer request) {
    ServerSpec spec =
        new ServerSpec(
            request.gpu(),
            request.gpuCount() == null ? 1 : request.gpuCount(),
            request.cpuCores(),
            request.ram(),
            request.disk() == null ? 40 : request.disk(),
            request.location(),
            request.maxPricePerHour(),
            request.minReliability(),
            request.image());
    return lifecycle.create(
        new NewServer(
            request.name(),
            request.provider() == null ? VastProvider.NAME : request.provider(),
            spec,
            request.offerId(),
            request.setupScriptId(),
            request.autoSetup() == null || request.autoSetup(),
            request.idleStopMinutes(),
            engine(request)));
  }

  @GetMapping
  PageResponse<ServerView> list(
      @RequestParam(required = false) @Nullable ServerStatus status,
      @RequestParam(defaultValue = "false") boolean includeDestroyed,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    PageRequest request = PageRequests.of(page, size, Sort.by("createdAt"));
    Page<Server> slice =
        status != null
            ? servers.findByStatus(status, request)
            : includeDestroyed
                ? servers.findAll(request)
                : servers.findByStatusNot(ServerStatus.DESTROYED, request);
    return PageResponse.of(slice, this::view);
  }

  @GetMapping("/{id}")
  ServerView get(@PathVariable UUID id) {
    return view(servers.findById(id).orElseThrow(() -> new ServerNotFoundException(id)));
  }

  @PatchMapping("/{id}")
  ServerView update(@PathVariable UUID id, @Valid @RequestBody UpdateServer request) {
    return view(
        lifecycle.update(
            id,
            new ServerChanges(
                request.name(),
                request.idleStopMinutes(),
                request.setupScriptId(),
                request.autoSetup(),
                request.slots(),
                request.prefetch())));
  }

  @PostMapping("/{id}/start")
  ResponseEntity<ServerView> start(@PathVariable UUID id) {
    return ResponseEntity.accepted().body(view(lifecycle.start(id)));
  }

  @PostMapping("/{id}/stop")
  ResponseEntity<ServerView> stop(
      @PathVariable UUID id, @RequestParam(defaultValue = "true") boolean drain) {
    return ResponseEntity.accepted().body(view(lifecycle.stop(id, drain)));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<ServerView> destroy(@PathVariable UUID id) {
    return ResponseEntity.accepted().body(view(lifecycle.destroy(id)));
  }

  @PostMapping("/{id}/reprovision")
  ResponseEntity<ServerView> reprovision(@PathVariable UUID id) {
    return ResponseEntity.accepted().body(view(lifecycle.reprovision(id)));
  }

  /** A server as answered; whether it starts and stops is its provider's to say. */
  private ServerView view(Server server) {
    boolean canStartStop =
        providers
            .find(server.getProvider())
            .map(p -> p.capabilities(server).startsAndStops())
            .orElse(false);
    return ServerView.of(server, canStartStop);
  }

  /** Instances on the account with our label that no server owns (they may be billing). */
  @GetMapping("/orphans")
  List<Reconciler.Orphan> orphans() {
    return reconciler.orphans();
  }
}
