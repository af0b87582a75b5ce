package io.gpufleet.vast;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The contract against WireMock stubs shaped like Vast's answers; scenarios carry the state. */
class VastContractWireMockTest extends VastContract {
  private static final String KEY = "wiremock-contract-key";
  private static final String LIFE = "instance";
  private static final long ID = 31337;

  private WireMockServer wm;

  @BeforeEach
  void stub() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(
        any(anyUrl())
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"success\":false,\"error\":\"auth_error\",\"msg\":\"Invalid user key\"}")));
    wm.stubFor(
        authed(get(urlPathMatching("/api/v0/users/current/?")))
            .willReturn(okJson("{\"id\":4242,\"username\":\"fleet\",\"credit\":25.0}")));
    wm.stubFor(
        authed(post(urlPathMatching("/api/v0/bundles/?")))
            .willReturn(
                okJson(
                    Fixtures.offers(
                        Fixtures.offer(1001, "RTX 4090", 1, 0.35),
                        Fixtures.offer(1002, "RTX 4090", 1, 0.41)))));
    wm.stubFor(
        authed(get(urlPathMatching("/api/v0/instances/?")))
            .willReturn(
                aResponse()
                    .withStatus(410)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"success\":false,\"error\":\"deprecated_endpoint\",\"msg\":\"/api/v0/instances/ is deprecated. Use /api/v1/instances/ instead.\"}")));
    wm.stubFor(
        authed(put(urlPathMatching("/api/v0/asks/\\d+/?")))
            .atPriority(2)
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"success\":false,\"error\":\"invalid_args\",\"msg\":\"error 404/3603: no_such_ask Instance type by id 1001 is not available.\",\"ask_id\":1001}")));
    wm.stubFor(
        authed(put(urlPathMatching("/api/v0/asks/1001/?")))
            .atPriority(1)
            .inScenario(LIFE)
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("loading")
            .willReturn(okJson("{\"success\":true,\"new_contract\":" + ID + "}")));
    show("loading", "loading", "running", "running");
    show("running", "running", "running", null);
    show("stopped", "stopped", "stopped", null);
    show("restarted", "running", "running", null);
    wm.stubFor(
        authed(get(urlPathMatching("/api/v0/instances/" + ID + "/?")))
            .inScenario(LIFE)
            .whenScenarioStateIs("destroyed")
            .willReturn(okJson("{\"instances\":null}")));
    state("running", "stopped", "stopped");
    state("stopped", "running", "restarted");
    wm.stubFor(
        authed(delete(urlPathMatching("/api/v0/instances/" + ID + "/?")))
            .atPriority(2)
            .inScenario(LIFE)
            .willSetStateTo("destroyed")
            .willReturn(okJson("{\"success\":true}")));
    wm.stubFor(
        authed(delete(urlPathMatching("/api/v0/instances/" + ID + "/?")))
            .atPriority(1)
            .inScenario(LIFE)
            .whenScenarioStateIs("destroyed")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"success\":false,\"error\":\"no_such_instance\"}")));
  }

  @AfterEach
  void stopServer() {
    wm.stop();
  }

  @Override
  protected String baseUrl() {
    return wm.baseUrl();
  }

  @Override
  protected String apiKey() {
    return KEY;
  }

  @Override
  protected String newLabel() {
    // WireMock cannot echo the label into later answers; the stubs use a fixed one.
    return "contract-wiremock";
  }

  private void show(String state, String actual, String intended, @Nullable String next) {
    ScenarioMappingBuilder stub =
        authed(get(urlPathMatching("/api/v0/instances/" + ID + "/?")))
            .inScenario(LIFE)
            .whenScenarioStateIs(state);
    if (next != null) {
      stub = stub.willSetStateTo(next);
    }
    wm.stubFor(
        stub.willReturn(
            okJson(Fixtures.show(Fixtures.instance(ID, actual, intended, "contract-wiremock")))));
  }

  private void state(String from, String requested, String to) {
    wm.stubFor(
        authed(put(urlPathMatching("/api/v0/instances/" + ID + "/?")))
            .withRequestBody(equalToJson("{\"state\":\"" + requested + "\"}"))
            .inScenario(LIFE)
            .whenScenarioStateIs(from)
            .willSetStateTo(to)
            .willReturn(okJson("{\"success\":true}")));
  }

  private static MappingBuilder authed(MappingBuilder stub) {
    return stub.withHeader("Authorization", equalTo("Bearer " + KEY)).atPriority(5);
  }
}
