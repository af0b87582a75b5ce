package io.gpufleet.api.servers;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.scheduler.vast.VastProvider;
import io.gpufleet.vast.Offer;
import io.gpufleet.vast.OfferQuery;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Vast.ai offers matching a spec, best first by the rule servers are rented with (price per
 * reliable hour). The console previews them before an admin creates a server.
 */
@RestController
@Validated
@PreAuthorize("hasRole('ADMIN')")
class OfferController {

  private final VastProvider vast;

  OfferController(VastProvider vast) {
    this.vast = vast;
  }

  @GetMapping("/api/v1/offers")
  List<OfferView> search(
      @RequestParam(required = false) @Nullable @Size(max = 64) String gpu,
      @RequestParam(defaultValue = "1") @Min(1) @Max(8) int gpuCount,
      @RequestParam(required = false) @Nullable @Min(1) @Max(256) Integer cpuCores,
      @RequestParam(required = false) @Nullable @Min(1) @Max(2048) Integer ram,
      @RequestParam(defaultValue = "40") @Min(10) @Max(4096) int disk,
      @RequestParam(required = false) @Nullable @Size(max = 64) String location,
      @RequestParam(required = false) @Nullable @DecimalMin("0.01") @DecimalMax("200")
          BigDecimal maxPricePerHour,
      @RequestParam(required = false) @Nullable @DecimalMin("0") @DecimalMax("1")
          BigDecimal minReliability,
      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
    OfferQuery.Builder query =
        OfferQuery.builder()
            .numGpus(gpuCount)
            .minDiskGb(disk)
            .allocatedStorageGb(disk)
            .order("dph_total", OfferQuery.Direction.ASC)
            .limit(200);
    if (gpu != null && !gpu.isBlank()) {
      query.gpuName(gpu);
    }
    if (cpuCores != null) {
      query.minCpuCoresEffective(cpuCores);
    }
    if (ram != null) {
      query.minCpuRamGb(ram);
    }
    if (maxPricePerHour != null) {
      query.maxDphTotal(maxPricePerHour.doubleValue());
    }
    if (minReliability != null) {
      query.minReliability(minReliability.doubleValue());
    }
    if (location != null && !location.isBlank()) {
      String[] countries = location.toUpperCase(java.util.Locale.ROOT).split("[,\\s]+");
      for (String country : countries) {
        if (!country.matches("[A-Z]{2}")) {
          throw ApiException.invalidField(
              "location",
              "must be two-letter country codes separated by commas (e.g. US,DE), not '"
                  + country
                  + "'");
        }
      }
      query.countries(countries);
    }
    return vast.search(query.build()).stream().limit(limit).map(OfferView::of).toList();
  }

  record OfferView(
      long id,
      String gpu,
      int gpuCount,
      double gpuRamGb,
      double cpuCores,
      double ramGb,
      double diskGb,
      double pricePerHour,
      double reliability,
      @Nullable String location,
      double inetDownMbps,
      boolean verified) {

    static OfferView of(Offer o) {
      return new OfferView(
          o.id(),
          o.gpuName(),
          o.numGpus(),
          o.gpuRamGb(),
          o.cpuCoresEffective(),
          o.cpuRamShareMb() / 1000.0,
          o.diskSpaceGb(),
          o.dphTotal(),
          o.reliability(),
          o.geolocation(),
          o.inetDownMbps(),
          o.verified());
    }
  }
}
