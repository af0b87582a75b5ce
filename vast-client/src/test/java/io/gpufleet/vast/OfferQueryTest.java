package io.gpufleet.vast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OfferQueryTest {

  @Test
  void gigabytesAreSentAsMegabytes() {
    OfferQuery query = OfferQuery.builder().minGpuRamGb(24).minCpuRamGb(64).build();

    assertThat(query.toJson())
        .containsEntry("gpu_ram", java.util.Map.of("gte", 24000L))
        .containsEntry("cpu_ram", java.util.Map.of("gte", 64000L));
  }

  @Test
  void bidSearchWithDefaultsDroppedAndSeveralGpus() {
    OfferQuery query =
        OfferQuery.builder()
            .gpuNames("H100 SXM", "A100 SXM4")
            .type(OfferQuery.Type.BID)
            .verified(null)
            .allocatedStorageGb(50)
            .build();

    assertThat(query.toJson())
        .doesNotContainKey("verified")
        .containsEntry(
            "gpu_name", java.util.Map.of("in", java.util.List.of("H100 SXM", "A100 SXM4")))
        .containsEntry("type", "bid")
        .containsEntry("allocated_storage", 50.0);
  }

  @Test
  void invalidSettingsFailFast() {
    assertThatThrownBy(() -> OfferQuery.builder().countries("USA"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OfferQuery.builder().minReliability(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RentRequest.builder("img", "label").diskGb(4).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countryCodeComesFromTheEndOfTheLocation() {
    Offer offer =
        new Offer(
            1,
            null,
            null,
            "RTX 4090",
            1,
            24564,
            24564,
            null,
            8,
            64000,
            100,
            0.4,
            0.2,
            0.99,
            "Hong Kong, HK",
            500,
            500,
            10,
            true,
            true,
            null);

    assertThat(offer.countryCode()).contains("HK");
    assertThat(OfferQuery.builder().countries("US").build().matches(offer)).isFalse();
    assertThat(OfferQuery.builder().countries("HK", "US").build().matches(offer)).isTrue();
  }
}
