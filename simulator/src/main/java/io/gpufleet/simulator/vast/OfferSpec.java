package io.gpufleet.simulator.vast;

import java.util.ArrayList;
import java.util.List;

/**
 * One machine offer of the simulated marketplace.
 *
 * @param gpuRamMb per GPU
 * @param dphBase GPU price in $/h for the whole offer (all its GPUs)
 * @param geolocation like Vast's: "Texas, US"
 */
public record OfferSpec(
    long id,
    long machineId,
    String gpuName,
    int numGpus,
    long gpuRamMb,
    double dphBase,
    String geolocation,
    double reliability,
    double inetDownMbps,
    double diskSpaceGb,
    boolean verified,
    int directPortCount) {

  private record Gpu(String name, long ramMb, double dphPerGpu, int computeCap) {}

  /** 48 offers: six GPU models, 1/2/4/8 GPUs, two hosts each, spread over five countries. */
  public static List<OfferSpec> defaultCatalog() {
    List<Gpu> gpus =
        List.of(
            new Gpu("RTX 4090", 24564, 0.35, 890),
            new Gpu("RTX 3090", 24576, 0.19, 860),
            new Gpu("A100 SXM4", 81920, 1.10, 800),
            new Gpu("H100 SXM", 81559, 2.20, 900),
            new Gpu("RTX A6000", 49140, 0.48, 860),
            new Gpu("L40S", 46068, 0.79, 890));
    List<String> places =
        List.of("Texas, US", "Quebec, CA", "Bavaria, DE", "Oregon, US", ", US", "Hong Kong, HK");
    List<OfferSpec> offers = new ArrayList<>();
    long id = 8_100_001;
    long machine = 41_001;
    int n = 0;
    for (Gpu gpu : gpus) {
      for (int count : new int[] {1, 2, 4, 8}) {
        for (int host = 0; host < 2; host++, n++) {
          double price = gpu.dphPerGpu() * count * (host == 0 ? 1.0 : 1.13);
          offers.add(
              new OfferSpec(
                  id++,
                  machine++,
                  gpu.name(),
                  count,
                  gpu.ramMb(),
                  Math.round(price * 1000) / 1000.0,
                  places.get(n % places.size()),
                  host == 0 ? 0.9951 : 0.9712 - count * 0.01,
                  host == 0 ? 2400.5 : 612.3,
                  host == 0 ? 180.0 * count : 95.5 * count,
                  host == 0 || count < 4,
                  host == 0 ? 200 : 12));
        }
      }
    }
    return List.copyOf(offers);
  }
}
