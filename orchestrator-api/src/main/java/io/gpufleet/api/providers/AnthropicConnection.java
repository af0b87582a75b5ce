package io.gpufleet.api.providers;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.models.ModelInfo;
import io.gpufleet.persistence.providers.ProviderKind;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.anthropic.AnthropicSetup;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;

/** Claude through Spring AI's Anthropic module on the official SDK; the SDK's retries are off. */
final class AnthropicConnection implements ProviderConnection {

  /** Anthropic requires a maximum; this one unless the profile or request sets another. */
  static final int DEFAULT_MAX_TOKENS = 1024;

  private final AnthropicClient client;
  private final AnthropicChatModel chat;

  AnthropicConnection(ConnectionSpec spec) {
    this.client =
        AnthropicSetup.setupSyncClient(
            spec.baseUrl(),
            spec.apiKey(),
            spec.timeout(),
            0,
            null,
            null,
            ObservationRegistry.NOOP,
            null,
            null,
            List.of());
    this.chat =
        AnthropicChatModel.builder()
            .anthropicClient(client)
            .options(
                AnthropicChatOptions.builder()
                    .baseUrl(spec.baseUrl())
                    .apiKey(spec.apiKey())
                    .timeout(spec.timeout())
                    .maxRetries(0)
                    .build())
            .build();
  }

  @Override
  public ProviderKind provider() {
    return ProviderKind.CLAUDE;
  }

  @Override
  public ChatModel chatModel() {
    return chat;
  }

  @Override
  public ChatOptions options(String model, ProfileOptions options) {
    return AnthropicChatOptions.builder()
        .model(model)
        .timeout(options.timeout())
        .maxRetries(0)
        .temperature(options.temperature())
        .topP(options.topP())
        .maxTokens(options.maxTokens() == null ? DEFAULT_MAX_TOKENS : options.maxTokens())
        .build();
  }

  @Override
  public Catalog catalog() {
    List<OfferedModel> models = new ArrayList<>();
    for (ModelInfo model : client.models().list().autoPager()) {
      models.add(new OfferedModel(model.id(), true));
    }
    return new Catalog(null, models);
  }
}
