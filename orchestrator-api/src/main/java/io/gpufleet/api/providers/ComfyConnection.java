package io.gpufleet.api.providers;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.persistence.providers.ProviderKind;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.http.HttpStatus;

/**
 * A ComfyUI profile: tested (version, checkpoints) through comfy-client; it makes images, so it
 * refuses chat. Fleet servers are the usual way to run ComfyUI; a profile is for one outside it.
 */
final class ComfyConnection implements ProviderConnection {

  private final ComfyClient client;

  ComfyConnection(ConnectionSpec spec) {
    ComfyClient.Builder builder = ComfyClient.builder().baseUrl(spec.baseUrl());
    if (spec.apiKey() != null && !spec.apiKey().isBlank()) {
      builder.bearerToken(spec.apiKey());
    }
    this.client = builder.build();
  }

  @Override
  public ProviderKind provider() {
    return ProviderKind.COMFYUI;
  }

  @Override
  public ChatModel chatModel() {
    throw new ProviderProblem(
        HttpStatus.CONFLICT,
        ProviderProblem.PROVIDER_UNSUPPORTED,
        "A ComfyUI profile makes images; chat needs an ollama, openai, gemini or claude profile");
  }

  @Override
  public ChatOptions options(String model, ProfileOptions options) {
    return chatModel().getOptions();
  }

  @Override
  public Catalog catalog() {
    String version = client.systemStats().comfyuiVersion();
    return new Catalog(
        version,
        client.models("checkpoints").stream().map(m -> new OfferedModel(m, false)).toList());
  }
}
