package io.gpufleet.scheduler.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import io.gpufleet.scheduler.SimulatedFleet.ComfyHosts;
import io.gpufleet.scheduler.SimulatedFleet.LoadedDrainProbe;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.schedules.ScheduleCommand;
import io.gpufleet.scheduler.schedules.ScheduleService;
import io.gpufleet.simulator.vast.VastSimulator;
import io.gpufleet.testing.MutableClock;
import io.gpufleet.vast.RentRequest;
import io.gpufleet.vast.VastClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.quartz.JobDataMap;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** The life of a server against the Vast.ai and ComfyUI simulators, over real sockets. */
class ServerLifecycleIT extends SchedulerIntegrationTest {

  @Autowired ServerLifecycle lifecycle;
  @Autowired Reconciler reconciler;
  @Autowired ServerRepository servers;
  @Autowired HealthProber prober;
  @Autowired IdleStopper idleStopper;
  @Autowired VastSimulator vast;
  @Autowired VastClient vastClient;
  @Autowired ComfyHosts comfyHosts;
  @Autowired LoadedDrainProbe drainProbe;
  @Autowired MutableClock clock;
  @Autowired TransactionTemplate transaction;
  @Autowired ScheduleService schedules;
  @Autowired Scheduler quartz;

  @Test
  void aServerIsProvisionedFromASpecAndKnowsItsComfyUrl() {
    Server created = create("provision");
    assertThat(created.getStatus()).isEqualTo(ServerStatus.PROVISIONING);

    Server running = awaitStatus(created.getId(), ServerStatus.RUNNING);

    assertThat(running.getLease().instanceId()).isNotNull();
    assertThat(running.getLease().gpuName()).isEqualTo("RTX 4090");
    assertThat(running.getLease().pricePerHour())
        .isPositive()
        .isLessThanOrEqualTo(new BigDecimal("2.00"));
    assertThat(running.getAddresses().comfyUrl()).startsWith("http://127.0.0.1:");
    assertThat(running.getAddresses().sshPort()).isNotNull();
    ComfyClient comfy = ComfyClient.builder().baseUrl(running.getAddresses().comfyUrl()).build();
    assertThat(comfy.systemStats().devices()).isNotEmpty();
    assertThat(vastClient.listInstancesByLabel(running.getLabel())).hasSize(1);
  }

  @Test
  void aServerStopsStartsAndIsDestroyed() {
    UUID id = awaitStatus(create("cycle").getId(), ServerStatus.RUNNING).getId();

    assertThat(lifecycle.stop(id, false).getStatus()).isEqualTo(ServerStatus.STOPPING);
    Server stopped = awaitStatus(id, ServerStatus.STOPPED);
    assertThat(stopped.getAddresses().comfyUrl()).isNull();

    assertThat(lifecycle.start(id).getStatus()).isEqualTo(ServerStatus.STARTING);
    Server restarted = awaitStatus(id, ServerStatus.RUNNING);
    assertThat(restarted.getAddresses().comfyUrl()).isNotNull();
    String instanceId = restarted.getLease().instanceId();

    lifecycle.destroy(id);
    Server destroyed = awaitStatus(id, ServerStatus.DESTROYED);
    assertThat(destroyed.getLease().instanceId()).isNull();
    assertThat(vastClient.instance(Long.parseLong(instanceId))).isEmpty();
  }

  @Test
  void aRestartWhoseGpuWasTakenEndsInErrorAndIsReprovisionedUnderTheSameIdentity() {
    Server running = awaitStatus(create("gpu-taken").getId(), ServerStatus.RUNNING);
    UUID id = running.getId();
    String firstInstance = running.getLease().instanceId();
    lifecycle.stop(id, false);
    awaitStatus(id, ServerStatus.STOPPED);
    vast.takeGpu(Long.parseLong(firstInstance));

    lifecycle.start(id);
    reconciler.reconcile(id);
    assertThat(reload(id).getStatus()).isEqualTo(ServerStatus.STARTING);
    assertThat(reload(id).getStatusReason()).contains("Waiting for the GPU");

    clock.advance(Duration.ofMinutes(11));
    assertThat(reconciler.reconcile(id)).isEqualTo(ServerStatus.ERROR);
    assertThat(reload(id).getStatusReason()).contains("GPU was taken").contains("Re-provision");

    lifecycle.reprovision(id);
    Server replaced = awaitStatus(id, ServerStatus.RUNNING);
    assertThat(replaced.getId()).isEqualTo(id);
    assertThat(replaced.getName()).isEqualTo(running.getName());
    assertThat(replaced.getLease().instanceId()).isNotEqualTo(firstInstance);
    assertThat(vastClient.instance(Long.parseLong(firstInstance))).isEmpty();
  }

  @Test
  void theReconcilerRepairsAServerWhoseInstanceVanished() {
    Server running = awaitStatus(create("vanish").getId(), ServerStatus.RUNNING);
    vastClient.destroy(Long.parseLong(running.getLease().instanceId()));

    assertThat(reconciler.reconcile(running.getId())).isEqualTo(ServerStatus.PROVISIONING);

    Server repaired = awaitStatus(running.getId(), ServerStatus.RUNNING);
    assertThat(repaired.getLease().instanceId()).isNotEqualTo(running.getLease().instanceId());
  }

  @Test
  void instancesWithOurLabelThatNoServerKnowsAreReportedAsOrphans() {
    long offer = vastClient.searchOffers(io.gpufleet.vast.OfferQuery.builder().build()).get(0).id();
    String label = "gpufleet-orphan-" + UUID.randomUUID();
    long orphan = vastClient.rent(offer, RentRequest.builder("img", label).diskGb(10).build());

    reconciler.reconcileAll();

    assertThat(reconciler.orphans())
        .anySatisfy(
            o -> {
              assertThat(o.instanceId()).isEqualTo(Long.toString(orphan));
              assertThat(o.label()).isEqualTo(label);
            });
    vastClient.destroy(orphan);
  }

  @Test
  void aDeadComfyUiTurnsUnreachableWithinTwoProbes() {
    Server running = awaitStatus(create("probe").getId(), ServerStatus.RUNNING);
    markSetUp(running.getId());
    assertThat(prober.probe(running.getId())).isEqualTo(HealthState.HEALTHY);
    assertThat(reload(running.getId()).getHealth().queueDepth()).isZero();

    comfyHosts.comfyOf(Long.parseLong(running.getLease().instanceId())).close();

    assertThat(prober.probe(running.getId())).isEqualTo(HealthState.DEGRADED);
    assertThat(prober.probe(running.getId())).isEqualTo(HealthState.UNREACHABLE);
    assertThat(reload(running.getId()).getHealth().error()).isNotBlank();
    assertThat(reload(running.getId()).isRoutable()).isFalse();
  }

  @Test
  void aDrainingStopWaitsForRunningWorkThenStops() {
    UUID id = awaitStatus(create("drain").getId(), ServerStatus.RUNNING).getId();
    drainProbe.set(id, 2);

    Server draining = lifecycle.stop(id, true);
    assertThat(draining.getStatus()).isEqualTo(ServerStatus.RUNNING);
    assertThat(draining.getDrain().active()).isTrue();
    assertThat(reconciler.reconcile(id)).isEqualTo(ServerStatus.RUNNING);

    drainProbe.set(id, 0);
    // the reconcile kicked by the stop itself may get there first
    assertThat(reconciler.reconcile(id)).isIn(ServerStatus.STOPPING, ServerStatus.STOPPED);
    awaitStatus(id, ServerStatus.STOPPED);
  }

  @Test
  void aDrainGivesUpWaitingAtItsLimit() {
    UUID id = awaitStatus(create("drain-limit").getId(), ServerStatus.RUNNING).getId();
    drainProbe.set(id, 1);
    lifecycle.stop(id, true);

    clock.advance(Duration.ofMinutes(11));

    // the reconcile kicked by the stop itself may already be past STOPPING
    assertThat(reconciler.reconcile(id)).isIn(ServerStatus.STOPPING, ServerStatus.STOPPED);
    drainProbe.set(id, 0);
  }

  @Test
  void anIdleServerIsStoppedAfterItsLimitAndABusyOneIsNot() {
    UUID idle = awaitStatus(create("idle", 5).getId(), ServerStatus.RUNNING).getId();
    UUID busy = awaitStatus(create("busy", 5).getId(), ServerStatus.RUNNING).getId();
    lifecycle.recordActivity(busy, Instant.now(clock).plus(Duration.ofMinutes(4)));

    assertThat(idleStopper.stopIdleServers()).doesNotContain(idle, busy);
    clock.advance(Duration.ofMinutes(6));

    assertThat(idleStopper.stopIdleServers()).contains(idle).doesNotContain(busy);
    assertThat(reload(idle).getStatus()).isIn(ServerStatus.STOPPING, ServerStatus.STOPPED);
  }

  @Test
  void aScheduleWhoseTriggerFiresStopsAndStartsTheServer() throws Exception {
    UUID id = awaitStatus(create("scheduled").getId(), ServerStatus.RUNNING).getId();
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    schedules.put(
        id,
        new ScheduleCommand(
            true, true, now.minusHours(1), now.plusHours(2), "UTC", Set.of(1, 2, 3, 4, 5, 6, 7)));
    assertThat(schedules.nextAction(id)).isPresent();

    fire(id, "STOP");
    awaitStatus(id, ServerStatus.STOPPED);

    fire(id, "START");
    awaitStatus(id, ServerStatus.RUNNING);
    schedules.delete(id);
  }

  /** What Quartz does when the trigger's time comes, without waiting for it. */
  private void fire(UUID serverId, String action) throws Exception {
    JobDataMap data = new JobDataMap();
    data.put("action", action);
    quartz.triggerJob(JobKey.jobKey(serverId.toString(), "server-schedules"), data);
  }

  @Test
  void actionsThatMakeNoSenseAreRefusedAndChangeNothing() {
    UUID id = awaitStatus(create("refusals").getId(), ServerStatus.RUNNING).getId();

    assertThatThrownBy(() -> lifecycle.reprovision(id))
        .isInstanceOf(ServerConflictException.class)
        .hasMessageContaining("Only a server in ERROR");
    assertThatThrownBy(() -> lifecycle.create(newServer(reload(id).getName(), null)))
        .isInstanceOf(ServerConflictException.class)
        .hasMessageContaining("exists");
    assertThatThrownBy(() -> lifecycle.start(UUID.randomUUID()))
        .isInstanceOf(ServerNotFoundException.class);
    assertThat(reload(id).getStatus()).isEqualTo(ServerStatus.RUNNING);
  }

  // --- helpers

  private Server create(String name) {
    return create(name, null);
  }

  private Server create(String name, Integer idleStopMinutes) {
    return lifecycle.create(newServer(name + "-" + UUID.randomUUID(), idleStopMinutes));
  }

  private static NewServer newServer(String name, Integer idleStopMinutes) {
    return new NewServer(
        name,
        "vast",
        new ServerSpec(
            "RTX 4090", 1, 8, 32, 40, "US", new BigDecimal("2.00"), new BigDecimal("0.9"), null),
        null,
        null,
        false,
        idleStopMinutes);
  }

  private void markSetUp(UUID id) {
    transaction.executeWithoutResult(
        s -> servers.findById(id).orElseThrow().markSetUp(true, Instant.now(clock)));
  }

  private Server reload(UUID id) {
    return servers.findById(id).orElseThrow();
  }

  /** Drives the reconciler until the server reaches {@code status}; fails after 20 s. */
  private Server awaitStatus(UUID id, ServerStatus status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      ServerStatus now = reconciler.reconcile(id);
      if (now == status) {
        return reload(id);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Server "
                + id
                + " is "
                + now
                + " ("
                + reload(id).getStatusReason()
                + "), not "
                + status);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
