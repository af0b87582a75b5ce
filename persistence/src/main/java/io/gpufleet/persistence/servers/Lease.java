package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * What was leased for a server: the offer, the provider's instance, its price per hour, and the GPU
 * it turned out to have. A registered server has no offer nor instance, only the admin's price and
 * the GPU its probes report.
 *
 * @param instanceId the provider's id of the machine (Vast.ai's instance id); absent until rented
 */
@Embeddable
public record Lease(
    @Column(name = "offer_id") @Nullable Long offerId,
    @Column(name = "instance_id", length = 64) @Nullable String instanceId,
    @Column(name = "price_per_hour") @Nullable BigDecimal pricePerHour,
    @Column(name = "gpu_name", length = 64) @Nullable String gpuName,
    @Column(name = "vram_mb") @Nullable Long vramMb) {

  public static final Lease NONE = new Lease(null, null, null, null, null);

  Lease withOffer(long offer) {
    return new Lease(offer, instanceId, pricePerHour, gpuName, vramMb);
  }

  /** The machine is gone; its price and GPU are kept until a new one is rented. */
  Lease forgotten() {
    return new Lease(null, null, pricePerHour, gpuName, vramMb);
  }

  Lease withPrice(@Nullable BigDecimal price) {
    return new Lease(offerId, instanceId, price, gpuName, vramMb);
  }

  /** What a probe read off the machine; an unknown figure keeps the one known before. */
  Lease withHardware(@Nullable String gpu, @Nullable Long vram) {
    return new Lease(
        offerId,
        instanceId,
        pricePerHour,
        gpu != null ? gpu : gpuName,
        vram != null ? vram : vramMb);
  }
}
