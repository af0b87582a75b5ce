package io.gpufleet.vast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * What any Vast.ai endpoint must do for GPU Fleet: the real client's WireMock stubs and the
 * simulator both pass it, which keeps the two honest. Subclasses give a base URL and key, fresh for
 * each test.
 */
public abstract class VastContract {

  protected abstract String baseUrl();

  protected abstract String apiKey();

  /** How often instance states are polled while waiting. */
  protected Duration pollInterval() {
    return Duration.ofMillis(50);
  }

  /** How long a state change may take. */
  protected Duration stateTimeout() {
    return Duration.ofSeconds(20);
  }

  protected VastClient client() {
    return client(apiKey());
  }

  protected VastClient client(String key) {
    return VastClient.builder()
        .apiKey(key)
        .baseUrl(baseUrl())
        .noSpacing()
        .maxAttempts(3)
        .initialBackoff(Duration.ofMillis(10))
        .maxBackoff(Duration.ofMillis(100))
        .build();
  }

  protected OfferQuery rtx4090Query() {
    return OfferQuery.builder()
        .gpuName("RTX 4090")
        .numGpus(1)
        .minDiskGb(20)
        .order("dph_total", OfferQuery.Direction.ASC)
        .limit(5)
        .build();
  }

  /** A label for one rent; unique by default. */
  protected String newLabel() {
    return "contract-" + UUID.randomUUID();
  }

  protected RentRequest rentRequest(String label) {
    return RentRequest.builder("vastai/comfy:latest", label)
        .diskGb(20)
        .exposePort(8188)
        .onstart("/opt/start-comfy.sh")
        .build();
  }

  @Test
  void instanceLifecycleFromSearchToDestroy() {
    VastClient vast = client();
    List<Offer> offers = vast.searchOffers(rtx4090Query());
    assertThat(offers).isNotEmpty().allSatisfy(o -> assertThat(o.gpuName()).isEqualTo("RTX 4090"));
    assertThat(offers).isSortedAccordingTo(java.util.Comparator.comparingDouble(Offer::dphTotal));
    String label = newLabel();

    long id = vast.rent(offers.get(0).id(), rentRequest(label));

    Instance created = vast.instance(id).orElseThrow();
    assertThat(created.id()).isEqualTo(id);
    assertThat(created.label()).isEqualTo(label);
    Instance running = awaitState(vast, id, Instance::running);
    assertThat(running.hostPort(8188)).isPresent();
    assertThat(running.publicIp()).isNotBlank();
    assertThat(running.sshPort()).isNotNull();
    assertThat(running.gpuName()).isEqualTo("RTX 4090");

    vast.stop(id);
    Instance stopped = awaitState(vast, id, i -> i.actualStatus() == InstanceStatus.STOPPED);
    assertThat(stopped.intendedStatus()).isEqualTo(InstanceStatus.STOPPED);
    assertThat(stopped.hostPort(8188)).isEmpty();

    vast.start(id);
    assertThat(awaitState(vast, id, Instance::running).hostPort(8188)).isPresent();

    assertThat(vast.destroy(id)).isTrue();
    assertThat(vast.instance(id)).isEmpty();
    assertThat(vast.destroy(id)).isFalse();
  }

  @Test
  void badKeyIsAuthError() {
    VastException.ApiError error =
        catchThrowableOfType(
            VastException.ApiError.class, () -> client("not-a-valid-key").currentUser());

    assertThat(error.status()).isEqualTo(401);
    assertThat(error.code()).isEqualTo("auth_error");
    assertThat(error.authFailure()).isTrue();
  }

  @Test
  void rentingATakenOfferIsNoSuchAsk() {
    VastClient vast = client();
    Offer offer = vast.searchOffers(rtx4090Query()).get(0);
    long id = vast.rent(offer.id(), rentRequest(newLabel()));

    VastException.ApiError error =
        catchThrowableOfType(
            VastException.ApiError.class, () -> vast.rent(offer.id(), rentRequest(newLabel())));

    assertThat(error.status()).isEqualTo(404);
    assertThat(error.offerGone()).isTrue();
    assertThat(error.createdInstanceId()).isEmpty();
    assertThat(vast.destroy(id)).isTrue();
  }

  @Test
  void instanceListOfV0IsGone() throws Exception {
    OkHttpClient http = new OkHttpClient();
    Request request =
        new Request.Builder()
            .url(baseUrl() + "/api/v0/instances/?owner=me")
            .header("Authorization", "Bearer " + apiKey())
            .build();
    try (Response response = http.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(410);
      assertThat(response.body().string()).contains("deprecated_endpoint");
    }
  }

  @Test
  void currentUserAnswersForAGoodKey() {
    VastUser user = client().currentUser();

    assertThat(user.id()).isPositive();
    assertThat(user.credit()).isGreaterThanOrEqualTo(0);
  }

  protected Instance awaitState(VastClient vast, long id, Predicate<Instance> condition) {
    Instant deadline = Instant.now().plus(stateTimeout());
    Instance last = null;
    while (Instant.now().isBefore(deadline)) {
      last =
          vast.instance(id).orElseThrow(() -> new AssertionError("instance " + id + " vanished"));
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError("instance " + id + " did not reach the state in time; last: " + last);
  }
}
