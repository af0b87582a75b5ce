package io.gpufleet.simulator.ollama;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a simulated Ollama looks: where it listens, how fast it speaks, which models it has and how
 * long a model stays loaded by default. {@code port} 0 picks a free port.
 *
 * @param tokensPerSecond how fast answers stream (and what {@code eval_duration} reports)
 * @param answerTokens how many tokens an answer has unless {@code num_predict} caps it
 * @param loadDelay how long loading a model that is not loaded takes
 * @param pullChunks how many progress lines a pull streams per layer
 */
public record OllamaSimulatorConfig(
    String host,
    int port,
    double tokensPerSecond,
    int answerTokens,
    List<OllamaModelSpec> models,
    Duration defaultKeepAlive,
    Duration loadDelay,
    int pullChunks,
    String version,
    Clock clock) {

  public OllamaSimulatorConfig {
    Objects.requireNonNull(host);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (!(tokensPerSecond > 0)) {
      throw new IllegalArgumentException("tokensPerSecond must be positive");
    }
    if (answerTokens < 1) {
      throw new IllegalArgumentException("answerTokens must be at least 1");
    }
    models = List.copyOf(models);
  }

  /** Three small models (one with vision) at 50 tokens/s, answers of 24 tokens, kept 5 min. */
  public static OllamaSimulatorConfig defaults() {
    return new OllamaSimulatorConfig(
        "127.0.0.1",
        0,
        50,
        24,
        List.of(
            OllamaModelSpec.of("llama3.2:latest", 2_019_393_189L, "llama", "3.2B", false),
            OllamaModelSpec.of("qwen2.5:0.5b", 397_821_319L, "qwen2", "494.03M", false),
            OllamaModelSpec.of("llava:7b", 4_733_363_377L, "llama", "7B", true)),
        Duration.ofMinutes(5),
        Duration.ZERO,
        4,
        "0.12.6",
        Clock.systemUTC());
  }

  public OllamaSimulatorConfig withPort(int newPort) {
    return new OllamaSimulatorConfig(
        host,
        newPort,
        tokensPerSecond,
        answerTokens,
        models,
        defaultKeepAlive,
        loadDelay,
        pullChunks,
        version,
        clock);
  }

  public OllamaSimulatorConfig withTokensPerSecond(double rate) {
    return new OllamaSimulatorConfig(
        host,
        port,
        rate,
        answerTokens,
        models,
        defaultKeepAlive,
        loadDelay,
        pullChunks,
        version,
        clock);
  }

  public OllamaSimulatorConfig withAnswerTokens(int tokens) {
    return new OllamaSimulatorConfig(
        host,
        port,
        tokensPerSecond,
        tokens,
        models,
        defaultKeepAlive,
        loadDelay,
        pullChunks,
        version,
        clock);
  }

  public OllamaSimulatorConfig withModels(List<OllamaModelSpec> newModels) {
    return new OllamaSimulatorConfig(
        host,
        port,
        tokensPerSecond,
        answerTokens,
        newModels,
        defaultKeepAlive,
        loadDelay,
        pullChunks,
        version,
        clock);
  }

  public OllamaSimulatorConfig withClock(Clock newClock) {
    return new OllamaSimulatorConfig(
        host,
        port,
        tokensPerSecond,
        answerTokens,
        models,
        defaultKeepAlive,
        loadDelay,
        pullChunks,
        version,
        newClock);
  }

  public OllamaSimulatorConfig withLoadDelay(Duration delay) {
    return new OllamaSimulatorConfig(
        host,
        port,
        tokensPerSecond,
        answerTokens,
        models,
        defaultKeepAlive,
        delay,
        pullChunks,
        version,
        clock);
  }
}
