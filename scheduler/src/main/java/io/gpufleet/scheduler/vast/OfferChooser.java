package io.gpufleet.scheduler.vast;

import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.vast.Offer;
import io.gpufleet.vast.OfferQuery;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns a server spec into an offer search, and ranks what comes back.
 *
 * <p>The rule: among offers that meet every part of the spec (Vast is known to drop filters, so
 * each offer is checked again), the cheapest per <em>reliable</em> hour wins — {@code dph_total /
 * reliability} — so a 0.50 $/h machine at 0.99 beats a 0.48 $/h one at 0.90. Ties go to the more
 * reliable offer, then to the lower id.
 */
final class OfferChooser {

  static final Comparator<Offer> BEST_FIRST =
      Comparator.comparingDouble(OfferChooser::pricePerReliableHour)
          .thenComparing(Comparator.comparingDouble(Offer::reliability).reversed())
          .thenComparingLong(Offer::id);

  private OfferChooser() {}

  static OfferQuery query(ServerSpec spec) {
    OfferQuery.Builder query =
        OfferQuery.builder()
            .numGpus(spec.gpuCount())
            .minDiskGb(spec.diskGb())
            .allocatedStorageGb(spec.diskGb())
            .verified(true)
            .rentable(true)
            .minDirectPorts(2)
            .order("dph_total", OfferQuery.Direction.ASC)
            .limit(200);
    if (spec.gpu() != null && !spec.gpu().isBlank()) {
      query.gpuName(spec.gpu());
    }
    if (spec.cpuCores() != null) {
      query.minCpuCoresEffective(spec.cpuCores());
    }
    if (spec.ramGb() != null) {
      query.minCpuRamGb(spec.ramGb());
    }
    if (spec.maxPricePerHour() != null) {
      query.maxDphTotal(spec.maxPricePerHour().doubleValue());
    }
    if (spec.minReliability() != null) {
      query.minReliability(spec.minReliability().doubleValue());
    }
    String[] countries = countries(spec.location());
    if (countries.length > 0) {
      query.countries(countries);
    }
    return query.build();
  }

  /** The best offers first, only those that truly meet the query. */
  static List<Offer> rank(OfferQuery query, List<Offer> offers) {
    return offers.stream().filter(query::matches).sorted(BEST_FIRST).toList();
  }

  /**
   * A location is a list of ISO country codes ({@code "US,CA"}); a region such as seed 001's {@code
   * "US-East"} is read as its country.
   */
  static String[] countries(String location) {
    if (location == null || location.isBlank()) {
      return new String[0];
    }
    return Arrays.stream(location.split("[,;\\s]+"))
        .map(String::trim)
        .filter(part -> part.length() >= 2 && Character.isLetter(part.charAt(0)))
        .map(part -> part.substring(0, 2).toUpperCase(Locale.ROOT))
        .filter(code -> code.chars().allMatch(Character::isLetter))
        .distinct()
        .toArray(String[]::new);
  }

  private static double pricePerReliableHour(Offer offer) {
    return offer.dphTotal() / Math.max(offer.reliability(), 0.01);
  }
}
