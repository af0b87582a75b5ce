package io.gpufleet.api.sandbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the sandbox's simulated fleet behaves ({@code gpufleet.sandbox.*}).
 *
 * @param loadingDelay how long a rented or started instance takes to run
 * @param toolTimeFactor how long setup scripts' tools take: 1 is like the real tools
 * @param stepsPerSecond the simulated GPUs' sampling speed
 * @param tokensPerSecond how fast the sandbox's Ollama streams answers
 */
@ConfigurationProperties("gpufleet.sandbox")
record SandboxSettings(
    @DefaultValue("3s") Duration loadingDelay,
    @DefaultValue("0.02") double toolTimeFactor,
    @DefaultValue("20") double stepsPerSecond,
    @DefaultValue("20") double tokensPerSecond) {}
