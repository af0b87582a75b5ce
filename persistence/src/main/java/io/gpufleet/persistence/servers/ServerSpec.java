package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * What an admin asked for when creating a server (seed 001's names): the offer search that rents
 * it, and rents an equivalent one again if the machine is lost.
 */
@Embeddable
public record ServerSpec(
    @Column(name = "gpu") @Nullable String gpu,
    @Column(name = "gpu_count") int gpuCount,
    @Column(name = "cpu_cores") @Nullable Integer cpuCores,
    @Column(name = "ram_gb") @Nullable Integer ramGb,
    @Column(name = "disk_gb") int diskGb,
    @Column(name = "location") @Nullable String location,
    @Column(name = "max_price_per_hour") @Nullable BigDecimal maxPricePerHour,
    @Column(name = "min_reliability") @Nullable BigDecimal minReliability,
    @Column(name = "image") @Nullable String image) {}
