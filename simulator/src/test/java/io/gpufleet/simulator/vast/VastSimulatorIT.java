package io.gpufleet.simulator.vast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gpufleet.vast.Instance;
import io.gpufleet.vast.InstanceStatus;
import io.gpufleet.vast.Offer;
import io.gpufleet.vast.OfferQuery;
import io.gpufleet.vast.RentRequest;
import io.gpufleet.vast.VastClient;
import io.gpufleet.vast.VastException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class VastSimulatorIT {
  final TestClock clock = new TestClock();
  final RecordingHosts hosts = new RecordingHosts();
  final OkHttpClient http = new OkHttpClient();
  VastSimulator sim;
  VastClient vast;

  @BeforeEach
  void start() {
    sim =
        VastSimulator.start(
            VastSimulatorConfig.builder()
                .clock(clock)
                .tickInterval(null)
                .provisioningDelay(Duration.ofSeconds(10))
                .loadingDelay(Duration.ofSeconds(30))
                .rebootDelay(Duration.ofSeconds(5))
                .hosts(hosts)
                .build());
    vast = client(1);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  VastClient client(int attempts) {
    return VastClient.builder()
        .apiKey(sim.apiKey())
        .baseUrl(sim.baseUrl())
        .noSpacing()
        .maxAttempts(attempts)
        .initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(5))
        .build();
  }

  long rentOne(String gpu, String label) {
    Offer offer = vast.searchOffers(OfferQuery.builder().gpuName(gpu).limit(1).build()).get(0);
    return vast.rent(
        offer.id(), RentRequest.builder("vastai/comfy", label).exposePort(8188).build());
  }

  long rentRunning(String label) {
    long id = rentOne("RTX 4090", label);
    clock.advance(Duration.ofSeconds(40));
    assertThat(vast.instance(id).orElseThrow().running()).isTrue();
    return id;
  }

  Response raw(String method, String pathAndQuery, String body, String key) throws IOException {
    Request.Builder request = new Request.Builder().url(sim.baseUrl() + pathAndQuery);
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    RequestBody content =
        body == null ? null : RequestBody.create(body, MediaType.get("application/json"));
    return http.newCall(request.method(method, content).build()).execute();
  }

  @Nested
  class Marketplace {
    @Test
    void defaultCatalogHasTheUsualGpusCountsAndPlaces() {
      List<Offer> offers = vast.searchOffers(OfferQuery.builder().verified(null).build());

      assertThat(offers)
          .extracting(Offer::gpuName)
          .contains("RTX 4090", "RTX 3090", "A100 SXM4", "H100 SXM", "RTX A6000", "L40S");
      assertThat(offers).extracting(Offer::numGpus).contains(1, 2, 4, 8);
      assertThat(offers).anySatisfy(o -> assertThat(o.geolocation()).isEqualTo("Texas, US"));
      assertThat(offers).anySatisfy(o -> assertThat(o.cpuCores()).isNull());
    }

    @Test
    void operatorsAcceptNumbersAsStringsListsAndOrder() throws IOException {
      String query =
          """
          {"num_gpus":{"eq":"2"},"gpu_name":{"in":["RTX 4090","L40S"]},
           "geolocation":{"notin":["HK"]},"dph_total":{"gte":"0.1","lte":5},
           "gpu_ram":{"gt":20000},"order":[["dph_total","desc"]],"type":"on-demand"}
          """;
      try (Response response = raw("POST", "/api/v0/bundles", query, sim.apiKey())) {
        String body = response.body().string();
        assertThat(response.code()).isEqualTo(200);
        assertThat(body).contains("\"L40S\"").contains("\"RTX 4090\"").doesNotContain("RTX 3090");
      }
      List<Offer> cheapFirst =
          vast.searchOffers(
              OfferQuery.builder()
                  .numGpus(2)
                  .gpuNames("RTX 4090", "L40S")
                  .verified(null)
                  .order("dph_total", OfferQuery.Direction.DESC)
                  .build());
      assertThat(cheapFirst)
          .isSortedAccordingTo((a, b) -> Double.compare(b.dphTotal(), a.dphTotal()));
      assertThat(cheapFirst).allSatisfy(o -> assertThat(o.numGpus()).isEqualTo(2));
    }

    @Test
    void limitCapsTheAnswerAndBidTypePricesAtMinBid() {
      List<Offer> three = vast.searchOffers(OfferQuery.builder().verified(null).limit(3).build());
      List<Offer> bids =
          vast.searchOffers(
              OfferQuery.builder().gpuName("H100 SXM").type(OfferQuery.Type.BID).build());

      assertThat(three).hasSize(3);
      assertThat(bids).allSatisfy(o -> assertThat(o.dphTotal()).isEqualTo(o.minBidDph()));
    }

    @Test
    void searchWorksWithoutAKeyButNotWithAWrongOne() throws IOException {
      try (Response anonymous = raw("POST", "/api/v0/bundles/", "{}", null);
          Response wrong = raw("POST", "/api/v0/bundles/", "{}", "wrong")) {
        assertThat(anonymous.code()).isEqualTo(200);
        assertThat(wrong.code()).isEqualTo(401);
      }
    }

    @Test
    void theCliGetsTheGpuNamesBeforeItHasAKey() throws IOException {
      try (Response names = raw("GET", "/api/v0/gpu_names/unique/", null, null)) {
        assertThat(names.code()).isEqualTo(200);
        assertThat(names.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JsonMapper.builder().build().readTree(names.body().string());
        assertThat(body.path("gpu_names").valueStream().map(JsonNode::asString))
            .containsExactly("A100 SXM4", "H100 SXM", "L40S", "RTX 3090", "RTX 4090", "RTX A6000");
      }
    }

    @Test
    void rentedOfferLeavesTheMarketAndReturnsAfterDestroy() {
      long id = rentOne("H100 SXM", "a");
      int before =
          vast.searchOffers(OfferQuery.builder().gpuName("H100 SXM").verified(null).build()).size();
      vast.destroy(id);
      int after =
          vast.searchOffers(OfferQuery.builder().gpuName("H100 SXM").verified(null).build()).size();

      assertThat(after).isEqualTo(before + 1);
    }

    @Test
    void underbidCreatesAStoppedInstanceAndStillReportsIt() {
      Offer offer =
          vast.searchOffers(
                  OfferQuery.builder().gpuName("A100 SXM4").type(OfferQuery.Type.BID).build())
              .get(0);

      VastException.ApiError error =
          catchThrowableOfType(
              VastException.ApiError.class,
              () ->
                  vast.rent(
                      offer.id(),
                      RentRequest.builder("img", "bid").bidDph(offer.minBidDph() / 2).build()));

      long created = error.createdInstanceId().orElseThrow();
      assertThat(vast.instance(created).orElseThrow().actualStatus())
          .isEqualTo(InstanceStatus.STOPPED);
    }
  }

  @Nested
  class Lifecycle {
    @Test
    void statesFollowTheClockAndPortsAppearOnlyWhenRunning() {
      long id = rentOne("RTX 4090", "life");

      assertThat(vast.instance(id).orElseThrow().actualStatus())
          .isEqualTo(InstanceStatus.PROVISIONING);
      clock.advance(Duration.ofSeconds(10));
      Instance loading = vast.instance(id).orElseThrow();
      assertThat(loading.actualStatus()).isEqualTo(InstanceStatus.LOADING);
      assertThat(loading.ports()).isEmpty();
      clock.advance(Duration.ofSeconds(30));
      Instance running = vast.instance(id).orElseThrow();

      assertThat(running.running()).isTrue();
      assertThat(running.publicIp()).isEqualTo("127.0.0.1");
      assertThat(running.hostPort(8188)).hasValue(hosts.lastPorts.get(8188));
      assertThat(running.sshPort()).isEqualTo(hosts.lastPorts.get(22));
      assertThat(hosts.events).containsExactly("started " + id);
    }

    @Test
    void takenGpuKeepsAStartedInstanceScheduling() {
      long id = rentRunning("sched");
      vast.stop(id);
      sim.takeGpu(id);

      vast.start(id);
      clock.advance(Duration.ofMinutes(5));
      Instance stuck = vast.instance(id).orElseThrow();

      assertThat(stuck.actualStatus()).isEqualTo(InstanceStatus.STOPPED);
      assertThat(stuck.intendedStatus()).isEqualTo(InstanceStatus.RUNNING);
      assertThat(stuck.waitingForGpu()).isTrue();
      assertThat(stuck.statusMessage()).containsIgnoringCase("scheduling");
      sim.releaseGpu(id);
      clock.advance(Duration.ofSeconds(30));
      assertThat(vast.instance(id).orElseThrow().running()).isTrue();
    }

    @Test
    void rebootPassesThroughRebootingAndHooksSeeStopAndStart() {
      long id = rentRunning("reboot");

      vast.reboot(id);
      assertThat(vast.instance(id).orElseThrow().actualStatus())
          .isEqualTo(InstanceStatus.REBOOTING);
      clock.advance(Duration.ofSeconds(5));

      assertThat(vast.instance(id).orElseThrow().running()).isTrue();
      assertThat(hosts.events).containsExactly("started " + id, "stopped " + id, "started " + id);
    }

    @Test
    void offlineAndCrashedInstancesReportIt() {
      long first = rentRunning("offline");
      long second = rentRunning("crash");

      sim.goOffline(first);
      sim.crashContainer(second, ": OCI runtime create failed: boom");

      assertThat(vast.instance(first).orElseThrow().actualStatus())
          .isEqualTo(InstanceStatus.OFFLINE);
      Instance crashed = vast.instance(second).orElseThrow();
      assertThat(crashed.actualStatus()).isEqualTo(InstanceStatus.EXITED);
      assertThat(crashed.statusMessage()).contains("OCI runtime create failed");
    }

    @Test
    void labelIsChangedAndDestroyCallsTheHook() {
      long id = rentRunning("old");

      vast.label(id, "new");
      assertThat(vast.instance(id).orElseThrow().label()).isEqualTo("new");
      vast.destroy(id);

      assertThat(hosts.events).endsWith("destroyed " + id);
      assertThat(vast.instance(id)).isEmpty();
    }

    @Test
    void sshKeyReachesTheHostsAndLogsArriveAfterAPoll() {
      long id = rentRunning("keys");

      vast.attachSshKey(id, "ssh-ed25519 AAAAC3Nza test@fleet");

      assertThat(hosts.events).contains("key " + id + " ssh-ed25519 AAAAC3Nza test@fleet");
      VastClient patient =
          VastClient.builder()
              .apiKey(sim.apiKey())
              .baseUrl(sim.baseUrl())
              .noSpacing()
              .logPolling(3, Duration.ofMillis(1))
              .build();
      assertThat(patient.logs(id, 100))
          .hasValueSatisfying(text -> assertThat(text).contains("vastai/comfy"));
    }
  }

  @Nested
  class Listing {
    @Test
    void v1ListPagesBy25AndFiltersByLabel() {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 27; i++) {
        Offer offer =
            vast.searchOffers(OfferQuery.builder().verified(null).limit(1).build()).get(0);
        ids.add(
            vast.rent(
                offer.id(), RentRequest.builder("img", i % 9 == 0 ? "special" : "bulk").build()));
      }

      assertThat(vast.listInstances()).extracting(Instance::id).containsExactlyElementsOf(ids);
      assertThat(vast.listInstancesByLabel("special")).hasSize(3);
    }

    @Test
    void pageTokensAndBadTokensBehaveLikeVast() throws IOException {
      rentOne("RTX 4090", "x");
      rentOne("RTX 4090", "y");
      String firstPage;
      try (Response page = raw("GET", "/api/v1/instances/?limit=1", null, sim.apiKey())) {
        firstPage = page.body().string();
      }
      String token = firstPage.replaceAll("(?s).*\"next_token\":\"([^\"]+)\".*", "$1");
      try (Response second =
              raw("GET", "/api/v1/instances?limit=1&after_token=" + token, null, sim.apiKey());
          Response bad = raw("GET", "/api/v1/instances?after_token=%21%21", null, sim.apiKey())) {
        assertThat(second.body().string())
            .contains("\"next_token\":null")
            .contains("\"label\":\"y\"");
        assertThat(bad.code()).isEqualTo(400);
        assertThat(bad.body().string()).contains("invalid_token");
      }
    }

    @Test
    void legacyQueryParameterKeyIsAccepted() throws IOException {
      try (Response response =
          raw("GET", "/api/v0/users/current?api_key=" + sim.apiKey(), null, null)) {
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body().string()).doesNotContain(sim.apiKey());
      }
    }
  }

  @Nested
  class Faults {
    @Test
    void rateLimitBurstsComeAsTextOrJsonWithoutRetryAfter() throws IOException {
      sim.rateLimitNext(1, false);
      try (Response text = raw("GET", "/api/v0/users/current/", null, sim.apiKey())) {
        assertThat(text.code()).isEqualTo(429);
        assertThat(text.header("Retry-After")).isNull();
        assertThat(text.body().string()).isEqualTo("API requests too frequent");
      }
      sim.rateLimitNext(1, true);
      try (Response json = raw("GET", "/api/v0/users/current/", null, sim.apiKey())) {
        assertThat(json.code()).isEqualTo(429);
        assertThat(json.body().string()).contains("\"detail\"");
      }
    }

    @Test
    void clientRidesOutABurstOf429And503() {
      sim.rateLimitNext(2, true);
      assertThat(client(3).currentUser().id()).isPositive();
      sim.failNext(2, 503);
      assertThat(client(3).listInstances()).isEmpty();
      sim.failNext(1, 502);
      assertThatThrownBy(() -> vast.currentUser())
          .isInstanceOfSatisfying(
              VastException.ApiError.class, e -> assertThat(e.status()).isEqualTo(502));
    }

    @Test
    void slowAnswersTimeOutTheClient() {
      sim.delayNext(1, Duration.ofMillis(600));
      VastClient impatient =
          VastClient.builder()
              .apiKey(sim.apiKey())
              .baseUrl(sim.baseUrl())
              .noSpacing()
              .maxAttempts(1)
              .httpClient(new OkHttpClient.Builder().readTimeout(Duration.ofMillis(100)).build())
              .build();

      assertThatThrownBy(impatient::currentUser).isInstanceOf(VastException.TransportFailure.class);
    }

    @Test
    void minimumIntervalsAreEnforcedWhenAsked() {
      try (VastSimulator strict =
          VastSimulator.start(
              VastSimulatorConfig.builder().clock(clock).enforceMinIntervals(true).build())) {
        VastClient eager =
            VastClient.builder()
                .apiKey(strict.apiKey())
                .baseUrl(strict.baseUrl())
                .noSpacing()
                .maxAttempts(1)
                .build();
        eager.listInstances();

        assertThatThrownBy(eager::listInstances).isInstanceOf(VastException.RateLimited.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(eager.listInstances()).isEmpty();
      }
    }

    @Test
    void adminEndpointInjectsFaultsForTheStandaloneJar() throws IOException {
      try (Response admin = raw("POST", "/_sim/faults/server-error?calls=1&status=504", "", null)) {
        assertThat(admin.code()).isEqualTo(200);
      }
      try (Response failed = raw("GET", "/api/v0/users/current/", null, sim.apiKey());
          Response fine = raw("GET", "/api/v0/users/current/", null, sim.apiKey())) {
        assertThat(failed.code()).isEqualTo(504);
        assertThat(fine.code()).isEqualTo(200);
      }
    }

    @Test
    void unknownPathIsA404AndBadJsonA400() throws IOException {
      try (Response unknown = raw("GET", "/api/v0/nothing/", null, sim.apiKey());
          Response badJson = raw("PUT", "/api/v0/asks/1/", "{nope", sim.apiKey())) {
        assertThat(unknown.code()).isEqualTo(404);
        assertThat(badJson.code()).isEqualTo(400);
      }
    }
  }

  /** Records the hook calls and hands out free ports. */
  static final class RecordingHosts implements InstanceHosts {
    final List<String> events = new CopyOnWriteArrayList<>();
    final InstanceHosts ports = InstanceHosts.freeLocalPorts();
    volatile Map<Integer, Integer> lastPorts = Map.of();

    @Override
    public Map<Integer, Integer> started(Launch launch) {
      events.add("started " + launch.instanceId());
      lastPorts = ports.started(launch);
      return lastPorts;
    }

    @Override
    public void stopped(long instanceId) {
      events.add("stopped " + instanceId);
    }

    @Override
    public void destroyed(long instanceId) {
      events.add("destroyed " + instanceId);
    }

    @Override
    public void sshKeyAttached(long instanceId, String publicKey) {
      events.add("key " + instanceId + " " + publicKey);
    }
  }
}
