package io.gpufleet.simulator.vast;

import java.util.LinkedHashMap;
import java.util.Map;

/** Renders a catalog entry with the fields and units Vast uses. */
final class OfferJson {
  private static final double STORAGE_PER_GB_MONTH = 0.15;
  private static final double HOURS_PER_MONTH = 730;

  private OfferJson() {}

  static double minBid(OfferSpec offer) {
    return round(offer.dphBase() * 0.6);
  }

  static double dphTotal(OfferSpec offer, double storageGb) {
    return round(offer.dphBase() + storageGb * STORAGE_PER_GB_MONTH / HOURS_PER_MONTH);
  }

  static Map<String, Object> of(OfferSpec offer, double storageGb, boolean bid) {
    Map<String, Object> o = new LinkedHashMap<>();
    double total = bid ? minBid(offer) : dphTotal(offer, storageGb);
    double flops = offer.gpuRamMb() / 300.0 * offer.numGpus();
    o.put("id", offer.id());
    o.put("ask_contract_id", offer.id());
    o.put("bundle_id", offer.id() + 1_000_000);
    o.put("machine_id", offer.machineId());
    o.put("host_id", 900 + offer.machineId() % 50);
    o.put("gpu_name", offer.gpuName());
    o.put("num_gpus", offer.numGpus());
    o.put("gpu_ram", offer.gpuRamMb());
    o.put("gpu_total_ram", offer.gpuRamMb() * offer.numGpus());
    o.put("gpu_frac", 1.0);
    o.put("gpu_arch", "nvidia");
    o.put("compute_cap", offer.gpuName().startsWith("H100") ? 900 : 890);
    o.put("cuda_max_good", 12.8);
    o.put("driver_version", "570.124.04");
    o.put("cpu_name", "AMD EPYC 7B13 64-Core Processor");
    // Vast sends cpu_cores as null for some machines.
    o.put("cpu_cores", offer.machineId() % 2 == 0 ? null : 32 * offer.numGpus());
    o.put("cpu_cores_effective", 8.0 * offer.numGpus());
    o.put("cpu_ram", 64_000L * offer.numGpus());
    o.put("cpu_arch", "amd64");
    o.put("disk_space", offer.diskSpaceGb());
    o.put("disk_bw", 2500.0);
    o.put("inet_up", round(offer.inetDownMbps() * 0.8));
    o.put("inet_down", offer.inetDownMbps());
    o.put("inet_up_cost", 0.005);
    o.put("inet_down_cost", 0.005);
    o.put("direct_port_count", offer.directPortCount());
    o.put("dph_total", total);
    o.put("dph_base", offer.dphBase());
    o.put("min_bid", minBid(offer));
    o.put("storage_cost", STORAGE_PER_GB_MONTH);
    o.put("is_bid", bid);
    o.put("reliability", offer.reliability());
    o.put("reliability2", offer.reliability());
    o.put("verification", offer.verified() ? "verified" : "unverified");
    o.put("verified", offer.verified());
    o.put("rentable", true);
    o.put("rented", false);
    o.put("external", false);
    o.put("hosting_type", offer.directPortCount() > 100 ? 1 : 0);
    o.put("datacenter", offer.directPortCount() > 100);
    o.put("geolocation", offer.geolocation());
    o.put("duration", 2_592_000.0);
    o.put("total_flops", round(flops));
    o.put("dlperf", round(flops * 0.9));
    o.put("dlperf_per_dphtotal", round(flops * 0.9 / total));
    o.put("score", round(flops * 0.9 / total * offer.reliability()));
    o.put("search", Map.of("gpuCostPerHour", offer.dphBase(), "totalHour", total));
    return o;
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
