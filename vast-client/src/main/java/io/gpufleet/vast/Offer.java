package io.gpufleet.vast;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A machine offer from the marketplace; units are in the names.
 *
 * @param id the ask id to rent with
 * @param gpuRamMb memory per GPU
 * @param cpuCores the machine's cores; Vast sometimes sends null
 * @param cpuCoresEffective the vCPUs this offer gives you
 * @param cpuRamMb the whole machine's RAM
 * @param diskSpaceGb disk available to the instance
 * @param dphTotal $/h including storage for the query's allocated storage
 * @param minBidDph lowest interruptible bid, $/h
 * @param reliability 0..1
 * @param geolocation free text such as "Texas, US"
 */
public record Offer(
    long id,
    @Nullable Long machineId,
    @Nullable Long hostId,
    String gpuName,
    int numGpus,
    long gpuRamMb,
    long gpuTotalRamMb,
    @Nullable Integer cpuCores,
    double cpuCoresEffective,
    long cpuRamMb,
    double diskSpaceGb,
    double dphTotal,
    double minBidDph,
    double reliability,
    @Nullable String geolocation,
    double inetDownMbps,
    double inetUpMbps,
    int directPortCount,
    boolean verified,
    boolean rentable,
    @Nullable Double cudaMaxGood) {

  /** The two-letter country code at the end of {@link #geolocation()}. */
  public Optional<String> countryCode() {
    if (geolocation == null) {
      return Optional.empty();
    }
    String trimmed = geolocation.trim();
    if (trimmed.length() < 2) {
      return Optional.empty();
    }
    String code = trimmed.substring(trimmed.length() - 2);
    return code.chars().allMatch(Character::isLetter) ? Optional.of(code) : Optional.empty();
  }

  public double gpuRamGb() {
    return gpuRamMb / 1000.0;
  }

  /** Your share of the machine's RAM, as gpuhunt computes it. */
  public long cpuRamShareMb() {
    if (cpuCores == null || cpuCores <= 0 || cpuCoresEffective <= 0) {
      return cpuRamMb;
    }
    return Math.round(cpuRamMb * Math.min(1.0, cpuCoresEffective / cpuCores));
  }
}
