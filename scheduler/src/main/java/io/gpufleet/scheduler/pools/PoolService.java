package io.gpufleet.scheduler.pools;

import io.gpufleet.persistence.pools.AutoscaleDecision;
import io.gpufleet.persistence.pools.AutoscaleDecisionRepository;
import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.pools.PoolRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Pools as admins define them: checked, stored, changed, deleted; and their decision logs. */
@Service
public class PoolService {

  /** No pool grows past this many servers, whatever its maximum says. */
  public static final int MAX_SERVERS = 100;

  private final PoolRepository pools;
  private final ServerRepository servers;
  private final AutoscaleDecisionRepository decisions;
  private final JdbcTemplate jdbc;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  PoolService(
      PoolRepository pools,
      ServerRepository servers,
      AutoscaleDecisionRepository decisions,
      JdbcTemplate jdbc,
      ApplicationEventPublisher events,
      Clock clock) {
    this.pools = pools;
    this.servers = servers;
    this.decisions = decisions;
    this.jdbc = jdbc;
    this.events = events;
    this.clock = clock;
  }

  @Transactional
  public Pool create(PoolDefinition definition) {
    check(definition, null);
    Instant now = clock.instant();
    Pool pool =
        new Pool(
            definition.name(),
            definition.provider(),
            definition.spec(),
            definition.limits(),
            definition.timezone(),
            definition.enabled(),
            now);
    pool.setSetupScriptId(definition.setupScriptId(), now);
    pool.setWorkflowIds(definition.workflowIds(), now);
    if (definition.serverIds() != null) {
      pool.setServerIds(definition.serverIds(), now);
    }
    Pool saved = pools.saveAndFlush(pool);
    events.publishEvent(new PoolsChanged(saved.getId()));
    return saved;
  }

  @Transactional
  public Pool update(UUID id, PoolDefinition definition) {
    Pool pool = get(id);
    check(definition, id);
    Instant now = clock.instant();
    pool.rename(definition.name(), now);
    pool.setEnabled(definition.enabled(), now);
    pool.setSpec(definition.spec(), now);
    pool.setSetupScriptId(definition.setupScriptId(), now);
    pool.setLimits(definition.limits(), now);
    pool.setTimezone(definition.timezone(), now);
    pool.setWorkflowIds(definition.workflowIds(), now);
    if (definition.serverIds() != null) {
      pool.setServerIds(definition.serverIds(), now);
    }
    Pool saved = pools.saveAndFlush(pool);
    events.publishEvent(new PoolsChanged(id));
    return saved;
  }

  /** Deletes the pool and its log; its servers stay as they are, in no pool. */
  @Transactional
  public void delete(UUID id) {
    pools.delete(get(id));
    events.publishEvent(new PoolsChanged(id));
  }

  @Transactional(readOnly = true)
  public Pool get(UUID id) {
    return pools.findById(id).orElseThrow(() -> new PoolNotFoundException(id));
  }

  @Transactional(readOnly = true)
  public Page<Pool> list(Pageable page) {
    return pools.findAllBy(page);
  }

  /** The pool's decisions, newest first. */
  @Transactional(readOnly = true)
  public Page<AutoscaleDecision> decisions(UUID poolId, Pageable page) {
    get(poolId);
    return decisions.findByPool(poolId, page);
  }

  /** Puts a server the autoscaler rented into its pool (by SQL: a tick must not bump the pool). */
  @Transactional
  public void join(UUID poolId, UUID serverId) {
    jdbc.update(
        "INSERT INTO pool_servers (server_id, pool_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        serverId,
        poolId);
    events.publishEvent(new PoolsChanged(poolId));
  }

  private void check(PoolDefinition d, @Nullable UUID self) {
    Map<String, String> errors = new LinkedHashMap<>();
    PoolLimits limits = d.limits();
    if (limits.minServers() < 0) {
      errors.put("minServers", "must be 0 or more");
    }
    if (limits.maxServers() > MAX_SERVERS) {
      errors.put("maxServers", "must be at most " + MAX_SERVERS);
    } else if (limits.maxServers() < limits.minServers()) {
      errors.put("maxServers", "must be at least minServers (" + limits.minServers() + ")");
    }
    within(errors, "targetWait", limits.targetWait(), Duration.ofSeconds(1), Duration.ofDays(1));
    within(
        errors,
        "defaultJobTime",
        limits.defaultJobTime(),
        Duration.ofSeconds(1),
        Duration.ofDays(1));
    within(errors, "idleStopAfter", limits.idleStopAfter(), Duration.ZERO, Duration.ofDays(7));
    if (limits.destroyStoppedAfter() != null) {
      within(
          errors,
          "destroyStoppedAfter",
          limits.destroyStoppedAfter(),
          Duration.ofMinutes(1),
          Duration.ofDays(365));
    }
    for (UUID workflow : d.workflowIds()) {
      Integer found =
          jdbc.queryForObject(
              "SELECT count(*) FROM workflows WHERE id = ?", Integer.class, workflow);
      if (found == null || found == 0) {
        errors.put("workflowIds", "there is no workflow " + workflow);
        break;
      }
    }
    if (d.serverIds() != null) {
      for (UUID serverId : d.serverIds()) {
        Server server = servers.findById(serverId).orElse(null);
        if (server == null || server.getStatus() == ServerStatus.DESTROYED) {
          errors.put("serverIds", "there is no live server " + serverId);
          break;
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new PoolInvalidException(errors);
    }
    pools
        .findByName(d.name())
        .filter(other -> !other.getId().equals(self))
        .ifPresent(
            other -> {
              throw new PoolConflictException(
                  "POOL_NAME_TAKEN", "A pool named '" + d.name() + "' exists");
            });
    for (UUID serverId : d.serverIds() == null ? Set.<UUID>of() : d.serverIds()) {
      pools
          .findByServer(serverId)
          .filter(other -> !other.getId().equals(self))
          .ifPresent(
              other -> {
                throw new PoolConflictException(
                    "POOL_SERVER_TAKEN",
                    "Server " + serverId + " belongs to pool '" + other.getName() + "'");
              });
    }
  }

  private static void within(
      Map<String, String> errors, String field, Duration value, Duration least, Duration most) {
    if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
      errors.put(
          field,
          least.isZero()
              ? "must be between PT0S and " + most
              : "must be positive, between " + least + " and " + most);
    }
  }
}
