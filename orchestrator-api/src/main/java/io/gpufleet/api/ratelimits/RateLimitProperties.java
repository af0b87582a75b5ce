package io.gpufleet.api.ratelimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The default bands of every user (seed 001's figures); admins override them per user. Environment:
 * {@code GPUFLEET_RATE_LIMITS_GENERATIONS_PER_MINUTE} and so on.
 */
@ConfigurationProperties("gpufleet.rate-limits")
record RateLimitProperties(
    @DefaultValue("10") int generationsPerMinute,
    @DefaultValue("100") int generationsPerHour,
    @DefaultValue("1000") int generationsPerDay,
    @DefaultValue("20") int chatPerMinute,
    @DefaultValue("200") int chatPerHour,
    @DefaultValue("2000") int chatPerDay,
    @DefaultValue("1000") int requestsPerMinute,
    @DefaultValue("10000") int requestsPerHour) {}
