package io.gpufleet.api.pools;

import io.gpufleet.api.pools.PoolViews.CreatePool;
import io.gpufleet.api.pools.PoolViews.DecisionView;
import io.gpufleet.api.pools.PoolViews.PoolView;
import io.gpufleet.api.pools.PoolViews.UpdatePool;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.pools.PoolDefinition;
import io.gpufleet.scheduler.pools.PoolService;
import io.gpufleet.scheduler.vast.VastProvider;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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
 * Autoscaled pools, for admins: define (a spec, the workflows served, limits, members), read,
 * change, delete (its servers stay, in no pool), and read the autoscaler's decisions, newest first.
 */
@RestController
@RequestMapping("/api/v1/pools")
@PreAuthorize("hasRole('ADMIN')")
class PoolController {

  static final Duration TARGET_WAIT = Duration.ofMinutes(2);
  static final Duration IDLE_STOP = Duration.ofMinutes(10);
  static final Duration JOB_TIME = Duration.ofSeconds(30);

  private final PoolService pools;
  private final ServerRepository servers;

  PoolController(PoolService pools, ServerRepository servers) {
    this.pools = pools;
    this.servers = servers;
  }

  @PostMapping
  ResponseEntity<PoolView> create(@Valid @RequestBody CreatePool r) {
    Pool created =
        pools.create(
            new PoolDefinition(
                r.name(),
                r.provider() == null ? VastProvider.NAME : r.provider(),
                new ServerSpec(
                    r.gpu(),
                    r.gpuCount() == null ? 1 : r.gpuCount(),
                    r.cpuCores(),
                    r.ram(),
                    r.disk() == null ? 40 : r.disk(),
                    r.location(),
                    r.maxPricePerHour(),
                    r.minReliability(),
                    r.image()),
                r.setupScriptId(),
                new PoolLimits(
                    r.minServers(),
                    r.maxServers(),
                    or(r.targetWait(), TARGET_WAIT),
                    or(r.idleStopAfter(), IDLE_STOP),
                    keep(r.destroyStoppedAfter()),
                    or(r.defaultJobTime(), JOB_TIME)),
                zone(r.timezone() == null ? "UTC" : r.timezone()),
                r.enabled() == null || r.enabled(),
                ids(r.workflowIds()),
                ids(r.serverIds())));
    return ResponseEntity.created(URI.create("/api/v1/pools/" + created.getId()))
        .body(view(created));
  }

  @GetMapping
  PageResponse<PoolView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    return PageResponse.of(pools.list(PageRequests.of(page, size, Sort.by("name"))), this::view);
  }

  @GetMapping("/{id}")
  PoolView get(@PathVariable UUID id) {
    return view(pools.get(id));
  }

  @PatchMapping("/{id}")
  PoolView update(@PathVariable UUID id, @Valid @RequestBody UpdatePool r) {
    Pool was = pools.get(id);
    ServerSpec s = was.getSpec();
    PoolLimits l = was.getLimits();
    Duration destroy = l.destroyStoppedAfter();
    if (r.destroyStoppedAfter() != null) {
      destroy = keep(r.destroyStoppedAfter());
    }
    return view(
        pools.update(
            id,
            new PoolDefinition(
                or(r.name(), was.getName()),
                was.getProvider(),
                new ServerSpec(
                    or(r.gpu(), s.gpu()),
                    or(r.gpuCount(), s.gpuCount()),
                    or(r.cpuCores(), s.cpuCores()),
                    or(r.ram(), s.ramGb()),
                    or(r.disk(), s.diskGb()),
                    or(r.location(), s.location()),
                    or(r.maxPricePerHour(), s.maxPricePerHour()),
                    or(r.minReliability(), s.minReliability()),
                    or(r.image(), s.image())),
                or(r.setupScriptId(), was.getSetupScriptId()),
                new PoolLimits(
                    or(r.minServers(), l.minServers()),
                    or(r.maxServers(), l.maxServers()),
                    or(r.targetWait(), l.targetWait()),
                    or(r.idleStopAfter(), l.idleStopAfter()),
                    destroy,
                    or(r.defaultJobTime(), l.defaultJobTime())),
                r.timezone() == null ? was.getTimezone() : zone(r.timezone()),
                or(r.enabled(), was.isEnabled()),
                r.workflowIds() == null ? was.getWorkflowIds() : ids(r.workflowIds()),
                r.serverIds() == null ? null : ids(r.serverIds()))));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    pools.delete(id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/decisions")
  PageResponse<DecisionView> decisions(
      @PathVariable UUID id,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return PageResponse.of(
        pools.decisions(id, PageRequests.of(page, size, Sort.unsorted())), DecisionView::of);
  }

  private PoolView view(Pool pool) {
    List<Server> members =
        servers.findAllById(pool.getServerIds()).stream()
            .filter(s -> s.getStatus() != ServerStatus.DESTROYED)
            .sorted(Comparator.comparing(Server::getCreatedAt).thenComparing(Server::getId))
            .toList();
    return PoolView.of(pool, members);
  }

  private static <T> T or(@Nullable T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  /** Zero or absent: stopped servers are kept. */
  private static @Nullable Duration keep(@Nullable Duration destroyStoppedAfter) {
    return destroyStoppedAfter == null || destroyStoppedAfter.isZero() ? null : destroyStoppedAfter;
  }

  private static Set<UUID> ids(@Nullable List<UUID> ids) {
    return ids == null ? Set.of() : new HashSet<>(ids);
  }

  private static ZoneId zone(String timezone) {
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw ApiException.invalidField("timezone", "must be an IANA timezone such as Europe/Berlin");
    }
  }
}
