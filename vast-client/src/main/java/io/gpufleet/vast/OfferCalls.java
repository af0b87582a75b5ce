package io.gpufleet.vast;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Offers: searching them, and renting one, finding the instance again if the answer is lost. */
final class OfferCalls {
  private static final Logger log = LoggerFactory.getLogger(VastClient.class);

  private final VastCalls calls;
  private final InstanceCalls instances;
  private final int rentLookups;

  OfferCalls(VastCalls calls, InstanceCalls instances, int rentLookups) {
    this.calls = calls;
    this.instances = instances;
    this.rentLookups = rentLookups;
  }

  List<Offer> search(OfferQuery query) {
    JsonNode json =
        calls.call(
            Endpoint.SEARCH_OFFERS,
            "POST",
            calls.url("/api/v0/bundles/").build(),
            query.toJson(),
            VastCalls.Retry.TRANSIENT);
    JsonNode offers = json.path("offers");
    if (!offers.isArray()) {
      throw new VastException.UndecodableResponse("offer search without an offers array", null);
    }
    List<Offer> result = new ArrayList<>();
    for (JsonNode node : offers.values()) {
      Offer offer = VastJson.offer(node);
      if (query.matches(offer)) {
        result.add(offer);
      } else {
        log.debug(
            "dropping offer {} ({}) that does not match the query", offer.id(), offer.gpuName());
      }
    }
    return List.copyOf(result);
  }

  long rent(long offerId, RentRequest request) {
    try {
      JsonNode json =
          calls.call(
              Endpoint.RENT,
              "PUT",
              calls.url("/api/v0/asks/" + offerId + "/").build(),
              request.toJson(),
              VastCalls.Retry.RATE_LIMIT_ONLY);
      JsonNode id = json.path("new_contract");
      if (!id.isNumber() && !(id.isString() && id.asString().matches("\\d+"))) {
        throw new VastException.UndecodableResponse("rent answer without new_contract", null);
      }
      return id.asLong();
    } catch (VastException.TransportFailure | VastException.ApiError lost) {
      if (lost instanceof VastException.ApiError api && api.status() < 500) {
        throw lost;
      }
      if (lost instanceof VastException.TransportFailure transport && transport.circuitOpen()) {
        throw lost;
      }
      return findRented(offerId, request.label(), lost);
    }
  }

  /** Vast may have created the instance although its answer was lost: its label finds it. */
  private long findRented(long offerId, String label, VastException lost) {
    for (int lookup = 1; lookup <= rentLookups; lookup++) {
      try {
        Optional<Instance> found =
            instances.listByLabel(label).stream().max(Comparator.comparingLong(Instance::id));
        if (found.isPresent()) {
          log.warn(
              "rent of offer {} got no answer ({}); found instance {} by its label",
              offerId,
              lost.getMessage(),
              found.get().id());
          return found.get().id();
        }
      } catch (VastException lookupFailed) {
        lost.addSuppressed(lookupFailed);
      }
      if (lookup < rentLookups) {
        calls.pause(Endpoint.LIST_INSTANCES.documentedMinInterval());
      }
    }
    throw lost;
  }
}
