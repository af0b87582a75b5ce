package io.gpufleet.vast;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class VastClientTest {
  static final String KEY = "vk_live_5f2c9a_secret_key_value";

  WireMockServer wm;
  FakeTime time;
  VastClient client;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    time = new FakeTime();
    client = builder().build();
  }

  @AfterEach
  void stopServer() {
    wm.stop();
  }

  VastClient.Builder builder() {
    return VastClient.builder()
        .apiKey(KEY)
        .baseUrl(wm.baseUrl())
        .noSpacing()
        .maxAttempts(3)
        .initialBackoff(Duration.ofMillis(5))
        .maxBackoff(Duration.ofMillis(50))
        .clock(time)
        .sleeper(time);
  }

  @Nested
  class Offers {
    @Test
    void searchSendsOperatorJsonAndReadsOffersWithUnits() {
      wm.stubFor(
          post(urlEqualTo("/api/v0/bundles/"))
              .willReturn(okJson(Fixtures.offers(Fixtures.offer(101, "RTX 4090", 1, 0.41)))));

      List<Offer> offers =
          client.searchOffers(
              OfferQuery.builder()
                  .gpuName("RTX 4090")
                  .numGpus(1)
                  .minGpuRamGb(24)
                  .countries("US")
                  .order("dph_total", OfferQuery.Direction.ASC)
                  .limit(5)
                  .build());

      wm.verify(
          postRequestedFor(urlEqualTo("/api/v0/bundles/"))
              .withHeader("Authorization", equalTo("Bearer " + KEY))
              .withRequestBody(
                  equalToJson(
                      """
                      {"verified":{"eq":true},"external":{"eq":false},"rentable":{"eq":true},
                       "rented":{"eq":false},"gpu_name":{"eq":"RTX 4090"},"num_gpus":{"eq":1},
                       "gpu_ram":{"gte":24000},"geolocation":{"in":["US"]},
                       "order":[["dph_total","asc"]],"type":"on-demand","limit":5}
                      """)));
      assertThat(offers).hasSize(1);
      Offer offer = offers.get(0);
      assertThat(offer.id()).isEqualTo(101);
      assertThat(offer.gpuRamMb()).isEqualTo(24564);
      assertThat(offer.gpuRamGb()).isEqualTo(24.564);
      assertThat(offer.cpuRamMb()).isEqualTo(128764);
      assertThat(offer.diskSpaceGb()).isEqualTo(512.3);
      assertThat(offer.cpuCores()).isNull();
      assertThat(offer.cpuCoresEffective()).isEqualTo(16.0);
      assertThat(offer.dphTotal()).isEqualTo(0.41);
      assertThat(offer.countryCode()).contains("US");
      assertThat(offer.inetDownMbps()).isEqualTo(912.4);
      assertThat(offer.verified()).isTrue();
    }

    @Test
    void offersThatIgnoreTheFiltersAreDropped() {
      wm.stubFor(
          post(urlEqualTo("/api/v0/bundles/"))
              .willReturn(
                  okJson(
                      Fixtures.offers(
                          Fixtures.offer(1, "A100 SXM4", 1, 1.2),
                          Fixtures.offer(2, "RTX 5090", 1, 0.7)))));

      List<Offer> offers = client.searchOffers(OfferQuery.builder().gpuName("RTX 5090").build());

      assertThat(offers).extracting(Offer::id).containsExactly(2L);
    }
  }

  @Nested
  class Instances {
    @Test
    void showReadsStatesPortsAndTrimmedIp() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/instances/77/"))
              .willReturn(
                  okJson(Fixtures.show(Fixtures.instance(77, "running", "running", "fleet")))));

      Instance instance = client.instance(77).orElseThrow();

      assertThat(instance.running()).isTrue();
      assertThat(instance.publicIp()).isEqualTo("203.0.113.7");
      assertThat(instance.hostPort(8188)).hasValue(41188);
      assertThat(instance.hostPort(22)).hasValue(41022);
      assertThat(instance.hostPort(9999)).isEmpty();
      assertThat(instance.sshHost()).isEqualTo("ssh5.vast.ai");
      assertThat(instance.sshPort()).isEqualTo(31722);
      assertThat(instance.label()).isEqualTo("fleet");
      assertThat(instance.machineId()).isEqualTo(4711L);
      assertThat(instance.dphTotal()).isEqualTo(0.4123);
      assertThat(instance.startDate()).isNotNull();
    }

    @Test
    void provisioningAndUnexpectedStatusesDoNotBreakParsing() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/instances/1/"))
              .willReturn(okJson(Fixtures.show(Fixtures.instance(1, "null", "running", "x")))));
      wm.stubFor(
          get(urlEqualTo("/api/v0/instances/2/"))
              .willReturn(
                  okJson(Fixtures.show(Fixtures.instance(2, "hibernating", "running", "x")))));

      Instance provisioning = client.instance(1).orElseThrow();
      Instance odd = client.instance(2).orElseThrow();

      assertThat(provisioning.actualStatus()).isEqualTo(InstanceStatus.PROVISIONING);
      assertThat(provisioning.ports()).isEmpty();
      assertThat(odd.actualStatus()).isEqualTo(InstanceStatus.UNKNOWN);
    }

    @Test
    void destroyedInstanceReadsAsEmpty() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/instances/5/")).willReturn(okJson("{\"instances\":null}")));

      assertThat(client.instance(5)).isEmpty();
    }

    @Test
    void listFollowsAllPagesOfV1() {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("after_token", absent())
              .willReturn(
                  okJson(
                      Fixtures.listPage(
                          "dG9rMQ==",
                          5,
                          Fixtures.instance(1, "running", "running", "fleet"),
                          Fixtures.instance(2, "loading", "running", "fleet")))));
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("after_token", equalTo("dG9rMQ=="))
              .willReturn(
                  okJson(
                      Fixtures.listPage(
                          "dG9rMg==",
                          5,
                          Fixtures.instance(3, "stopped", "stopped", "fleet"),
                          Fixtures.instance(4, "running", "running", "fleet")))));
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("after_token", equalTo("dG9rMg=="))
              .willReturn(
                  okJson(
                      Fixtures.listPage(
                          null, 5, Fixtures.instance(5, "exited", "running", "fleet")))));

      List<Instance> instances = client.listInstances();

      assertThat(instances).extracting(Instance::id).containsExactly(1L, 2L, 3L, 4L, 5L);
      wm.verify(
          3,
          getRequestedFor(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("limit", equalTo("25")));
    }

    @Test
    void listByLabelSendsSelectFilters() {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("select_filters", equalToJson("{\"label\":{\"eq\":\"srv-1\"}}"))
              .willReturn(
                  okJson(
                      Fixtures.listPage(
                          null, 1, Fixtures.instance(9, "running", "running", "srv-1")))));

      assertThat(client.listInstancesByLabel("srv-1")).extracting(Instance::id).containsExactly(9L);
    }

    @Test
    void startStopLabelRebootRecycleSendTheDocumentedBodies() {
      wm.stubFor(put(urlEqualTo("/api/v0/instances/7/")).willReturn(okJson("{\"success\":true}")));
      wm.stubFor(
          put(urlEqualTo("/api/v0/instances/reboot/7/")).willReturn(okJson("{\"success\":true}")));
      wm.stubFor(
          put(urlEqualTo("/api/v0/instances/recycle/7/")).willReturn(okJson("{\"success\":true}")));

      client.stop(7);
      client.start(7);
      client.label(7, "renamed");
      client.reboot(7);
      client.recycle(7);

      wm.verify(
          putRequestedFor(urlEqualTo("/api/v0/instances/7/"))
              .withRequestBody(equalToJson("{\"state\":\"stopped\"}")));
      wm.verify(
          putRequestedFor(urlEqualTo("/api/v0/instances/7/"))
              .withRequestBody(equalToJson("{\"state\":\"running\"}")));
      wm.verify(
          putRequestedFor(urlEqualTo("/api/v0/instances/7/"))
              .withRequestBody(equalToJson("{\"label\":\"renamed\"}")));
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/instances/reboot/7/")));
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/instances/recycle/7/")));
    }

    @Test
    void destroyIsIdempotent() {
      wm.stubFor(
          delete(urlEqualTo("/api/v0/instances/8/"))
              .inScenario("destroy")
              .whenScenarioStateIs(Scenario.STARTED)
              .willSetStateTo("gone")
              .willReturn(okJson("{\"success\":true}")));
      wm.stubFor(
          delete(urlEqualTo("/api/v0/instances/8/"))
              .inScenario("destroy")
              .whenScenarioStateIs("gone")
              .willReturn(
                  aResponse()
                      .withStatus(404)
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"success\":false,\"error\":\"no_such_instance\",\"msg\":\"Instance 8 not found.\"}")));

      assertThat(client.destroy(8)).isTrue();
      assertThat(client.destroy(8)).isFalse();
      wm.verify(2, deleteRequestedFor(urlEqualTo("/api/v0/instances/8/")));
    }

    @Test
    void sshKeyIsPostedToTheInstance() {
      wm.stubFor(
          post(urlEqualTo("/api/v0/instances/7/ssh/"))
              .willReturn(okJson("{\"success\":true,\"msg\":\"added\"}")));

      client.attachSshKey(7, "ssh-ed25519 AAAAC3Nza fleet@ctl\n");

      wm.verify(
          postRequestedFor(urlEqualTo("/api/v0/instances/7/ssh/"))
              .withRequestBody(equalToJson("{\"ssh_key\":\"ssh-ed25519 AAAAC3Nza fleet@ctl\"}")));
      assertThatThrownBy(() -> client.attachSshKey(7, "-----BEGIN OPENSSH PRIVATE KEY-----"))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logsArePolledFromTheResultUrlWithoutTheKey() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/instances/request_logs/7/"))
              .willReturn(
                  okJson(
                      "{\"success\":true,\"result_url\":\""
                          + wm.baseUrl()
                          + "/instance_logs/abc.log\",\"msg\":\"wait\"}")));
      wm.stubFor(
          get(urlEqualTo("/instance_logs/abc.log"))
              .inScenario("logs")
              .whenScenarioStateIs(Scenario.STARTED)
              .willSetStateTo("ready")
              .willReturn(aResponse().withStatus(403).withBody("<Error>AccessDenied</Error>")));
      wm.stubFor(
          get(urlEqualTo("/instance_logs/abc.log"))
              .inScenario("logs")
              .whenScenarioStateIs("ready")
              .willReturn(aResponse().withStatus(200).withBody("comfy started\n")));

      Optional<String> logs = client.logs(7, 100);

      assertThat(logs).contains("comfy started\n");
      wm.verify(
          putRequestedFor(urlEqualTo("/api/v0/instances/request_logs/7/"))
              .withRequestBody(equalToJson("{\"tail\":\"100\"}")));
      wm.verify(
          2,
          getRequestedFor(urlEqualTo("/instance_logs/abc.log"))
              .withHeader("Authorization", absent()));
    }

    @Test
    void currentUserReadsCredit() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .willReturn(
                  okJson(
                      "{\"id\":42,\"username\":\"fleet\",\"email\":\"ops@example.com\","
                          + "\"credit\":25.0,\"balance\":-3.5,\"api_key\":\"x\",\"sid\":\"s\"}")));

      VastUser user = client.currentUser();

      assertThat(user.id()).isEqualTo(42);
      assertThat(user.credit()).isEqualTo(25.0);
      assertThat(user.username()).isEqualTo("fleet");
    }
  }

  @Nested
  class Failures {
    @Test
    void v0StyleDeprecationOfTheListIsAnApiErrorNotAnEmptyFleet() {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .willReturn(
                  aResponse()
                      .withStatus(410)
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"success\":false,\"error\":\"deprecated_endpoint\","
                              + "\"msg\":\"/api/v0/instances/ is deprecated. Use /api/v1/instances/ instead.\"}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.listInstances());

      assertThat(error.status()).isEqualTo(410);
      assertThat(error.code()).isEqualTo("deprecated_endpoint");
      assertThat(error.retryable()).isFalse();
      wm.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/instances/")));
    }

    @Test
    void unexpectedListShapeIsUndecodable() {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .willReturn(okJson("{\"instances_found\":0,\"instances\":\"\"}")));

      assertThatThrownBy(() -> client.listInstances())
          .isInstanceOf(VastException.UndecodableResponse.class)
          .satisfies(e -> assertThat(((VastException) e).retryable()).isFalse());
    }

    @Test
    void invalidJsonIsUndecodable() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));

      assertThatThrownBy(() -> client.currentUser())
          .isInstanceOf(VastException.UndecodableResponse.class);
    }

    @Test
    void badKeyIsAnAuthApiErrorAndNotRetried() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .willReturn(
                  aResponse()
                      .withStatus(401)
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"success\":false,\"error\":\"auth_error\",\"msg\":\"Invalid user key\"}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.currentUser());

      assertThat(error.status()).isEqualTo(401);
      assertThat(error.code()).isEqualTo("auth_error");
      assertThat(error.apiMessage()).isEqualTo("Invalid user key");
      assertThat(error.authFailure()).isTrue();
      wm.verify(1, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void http429WithPlainTextIsRetriedWithBackoffThenSucceeds() {
      stubCurrentUserFailingTwice(
          aResponse().withStatus(429).withBody("API requests too frequent"));

      assertThat(client.currentUser().id()).isEqualTo(42);
      wm.verify(3, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
      assertThat(time.sleeps).hasSize(2);
      assertThat(time.sleeps.get(1)).isGreaterThan(time.sleeps.get(0).dividedBy(2));
    }

    @Test
    void http429WithJsonDetailIsRetriedThenSucceeds() {
      stubCurrentUserFailingTwice(
          aResponse()
              .withStatus(429)
              .withHeader("Content-Type", "application/json")
              .withBody("{\"detail\":\"API requests too frequent endpoint threshold=1.0\"}"));

      assertThat(client.currentUser().id()).isEqualTo(42);
      wm.verify(3, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void exhausted429IsRateLimitedWithTheMessage() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .willReturn(
                  aResponse()
                      .withStatus(429)
                      .withBody(
                          "{\"success\":false,\"error\":\"rate_limit_exceeded\",\"msg\":\"slow down\"}")));

      VastException.RateLimited error =
          catchThrowableOfType(VastException.RateLimited.class, () -> client.currentUser());

      assertThat(error.apiMessage()).isEqualTo("slow down");
      assertThat(error.retryable()).isTrue();
      wm.verify(3, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void http503IsRetriedThenSucceeds() {
      stubCurrentUserFailingTwice(aResponse().withStatus(503).withBody("Service Unavailable"));

      assertThat(client.currentUser().id()).isEqualTo(42);
      wm.verify(3, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void transportFailureIsRetriedThenSucceeds() {
      stubCurrentUserFailingTwice(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

      assertThat(client.currentUser().id()).isEqualTo(42);
    }

    @Test
    void exhaustedTransportFailureIsTransportFailure() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

      assertThatThrownBy(() -> client.currentUser())
          .isInstanceOf(VastException.TransportFailure.class)
          .satisfies(e -> assertThat(((VastException) e).retryable()).isTrue());
      wm.verify(3, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void http4xxIsNotRetried() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/instances/7/"))
              .willReturn(
                  aResponse()
                      .withStatus(400)
                      .withBody(
                          "{\"success\":false,\"error\":\"label_too_long\",\"msg\":\"Label too long\"}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.label(7, "x"));

      assertThat(error.code()).isEqualTo("label_too_long");
      assertThat(error.retryable()).isFalse();
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/instances/7/")));
    }

    @Test
    void successFalseInA200IsAnApiError() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/instances/7/"))
              .willReturn(okJson("{\"success\":false,\"msg\":\"Instance is not stopped.\"}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.start(7));

      assertThat(error.status()).isEqualTo(200);
      assertThat(error.apiMessage()).isEqualTo("Instance is not stopped.");
    }

    @Test
    void circuitOpensAfterRepeatedOutagesAndThenFailsFast() {
      wm.stubFor(get(urlEqualTo("/api/v0/users/current/")).willReturn(aResponse().withStatus(502)));
      VastClient fragile =
          builder()
              .maxAttempts(1)
              .circuitBreaker(
                  CircuitBreakerConfig.custom()
                      .slidingWindowSize(2)
                      .minimumNumberOfCalls(2)
                      .failureRateThreshold(50)
                      .waitDurationInOpenState(Duration.ofMinutes(5))
                      .build())
              .build();

      assertThatThrownBy(fragile::currentUser).isInstanceOf(VastException.ApiError.class);
      assertThatThrownBy(fragile::currentUser).isInstanceOf(VastException.ApiError.class);
      assertThat(fragile.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
      VastException.TransportFailure open =
          catchThrowableOfType(VastException.TransportFailure.class, fragile::currentUser);

      assertThat(open.circuitOpen()).isTrue();
      wm.verify(2, getRequestedFor(urlEqualTo("/api/v0/users/current/")));
    }

    @Test
    void callsToOneEndpointAreSpacedByTheMinimumInterval() {
      wm.stubFor(
          get(urlEqualTo("/api/v0/instances/5/")).willReturn(okJson("{\"instances\":null}")));
      VastClient spaced =
          builder().minInterval(Endpoint.SHOW_INSTANCE, Duration.ofSeconds(2)).build();

      spaced.instance(5);
      time.advance(Duration.ofMillis(500));
      spaced.instance(5);

      assertThat(time.sleeps).containsExactly(Duration.ofMillis(1500));
    }

    private void stubCurrentUserFailingTwice(
        com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .inScenario("flaky")
              .whenScenarioStateIs(Scenario.STARTED)
              .willSetStateTo("failed once")
              .willReturn(failure));
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .inScenario("flaky")
              .whenScenarioStateIs("failed once")
              .willSetStateTo("failed twice")
              .willReturn(failure));
      wm.stubFor(
          get(urlEqualTo("/api/v0/users/current/"))
              .inScenario("flaky")
              .whenScenarioStateIs("failed twice")
              .willReturn(okJson("{\"id\":42,\"credit\":1.0}")));
    }
  }

  @Nested
  class Renting {
    final RentRequest request =
        RentRequest.builder("vastai/comfy:latest", "srv-7f3a")
            .diskGb(40)
            .onstart("/start.sh")
            .exposePort(8188)
            .env("WEB_ENABLE_AUTH", "false")
            .build();

    @Test
    void rentSendsTheDocumentedBodyAndReturnsNewContract() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .willReturn(
                  okJson(
                      "{\"success\":true,\"new_contract\":12345678,\"instance_api_key\":\"d15a\"}")));

      long id = client.rent(101, request);

      assertThat(id).isEqualTo(12345678L);
      wm.verify(
          putRequestedFor(urlEqualTo("/api/v0/asks/101/"))
              .withRequestBody(
                  equalToJson(
                      """
                      {"client_id":"me","image":"vastai/comfy:latest","disk":40,
                       "label":"srv-7f3a","onstart":"/start.sh","runtype":"ssh_direc ssh_proxy",
                       "env":{"-p 8188:8188":"1","WEB_ENABLE_AUTH":"false"},"price":null}
                      """)));
    }

    @Test
    void refusedBidStillSurfacesTheCreatedInstance() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .willReturn(
                  okJson(
                      "{\"success\":false,\"error\":\"invalid_price\",\"msg\":\"bid too low\","
                          + "\"new_contract\":555}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.rent(101, request));

      assertThat(error.createdInstanceId()).hasValue(555L);
      assertThat(error.code()).isEqualTo("invalid_price");
    }

    @Test
    void takenOfferIsNoSuchAsk() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .willReturn(
                  aResponse()
                      .withStatus(404)
                      .withBody(
                          "{\"success\":false,\"error\":\"invalid_args\",\"msg\":\"error 404/3603: "
                              + "no_such_ask Instance type by id 101 is not available.\",\"ask_id\":101}")));

      VastException.ApiError error =
          catchThrowableOfType(VastException.ApiError.class, () -> client.rent(101, request));

      assertThat(error.offerGone()).isTrue();
      assertThat(error.createdInstanceId()).isEmpty();
      wm.verify(0, getRequestedFor(urlPathEqualTo("/api/v1/instances/")));
    }

    @Test
    void rentIsRetriedOn429() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .inScenario("rent")
              .whenScenarioStateIs(Scenario.STARTED)
              .willSetStateTo("ok")
              .willReturn(
                  aResponse()
                      .withStatus(429)
                      .withBody(
                          "{\"detail\":\"API requests too frequent endpoint threshold=4.5\"}")));
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .inScenario("rent")
              .whenScenarioStateIs("ok")
              .willReturn(okJson("{\"success\":true,\"new_contract\":9}")));

      assertThat(client.rent(101, request)).isEqualTo(9L);
    }

    @Test
    void rentIsNotRetriedOn500AndLooksForTheInstanceByLabel() {
      wm.stubFor(put(urlEqualTo("/api/v0/asks/101/")).willReturn(aResponse().withStatus(500)));
      stubLabelLookup(Fixtures.listPage(null, 0));

      assertThatThrownBy(() -> client.rent(101, request))
          .isInstanceOf(VastException.ApiError.class);
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/asks/101/")));
    }

    @Test
    void rentIsNotRetriedOnTransportFailure() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      stubLabelLookup(Fixtures.listPage(null, 0));

      assertThatThrownBy(() -> client.rent(101, request))
          .isInstanceOf(VastException.TransportFailure.class);
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/asks/101/")));
    }

    @Test
    void rentTimeoutFindsTheCreatedInstanceByLabel() {
      wm.stubFor(
          put(urlEqualTo("/api/v0/asks/101/"))
              .willReturn(okJson("{\"success\":true,\"new_contract\":777}").withFixedDelay(1500)));
      stubLabelLookup(
          Fixtures.listPage(null, 1, Fixtures.instance(777, "null", "running", "srv-7f3a")));
      VastClient impatient =
          builder()
              .httpClient(new OkHttpClient.Builder().readTimeout(Duration.ofMillis(200)).build())
              .build();

      long id = impatient.rent(101, request);

      assertThat(id).isEqualTo(777L);
      wm.verify(1, putRequestedFor(urlEqualTo("/api/v0/asks/101/")));
    }

    private void stubLabelLookup(String page) {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .withQueryParam("select_filters", containing("srv-7f3a"))
              .willReturn(okJson(page)));
    }
  }

  @Nested
  class Secrets {
    @Test
    void keyIsNotInToString() {
      assertThat(client.toString()).doesNotContain(KEY).contains("****");
      assertThat(builder().toString()).doesNotContain(KEY);
    }

    @Test
    void keyIsSentAsBearerOnlyAndNeverLogged() {
      wm.stubFor(
          get(urlPathEqualTo("/api/v1/instances/"))
              .willReturn(aResponse().withStatus(429).withBody("API requests too frequent")));
      PrintStream original = System.err;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        assertThatThrownBy(() -> client.listInstances())
            .isInstanceOf(VastException.RateLimited.class)
            .satisfies(e -> assertThat(e.toString()).doesNotContain(KEY));
      } finally {
        System.setErr(original);
      }

      String logs = captured.toString(StandardCharsets.UTF_8);
      assertThat(logs).contains("/api/v1/instances/").doesNotContain(KEY);
      wm.verify(
          getRequestedFor(urlPathEqualTo("/api/v1/instances/"))
              .withHeader("Authorization", equalTo("Bearer " + KEY))
              .withQueryParam("api_key", absent()));
    }

    @Test
    void missingKeyFailsFast() {
      assertThatThrownBy(() -> VastClient.builder().build())
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> VastClient.builder().apiKey(" "))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
