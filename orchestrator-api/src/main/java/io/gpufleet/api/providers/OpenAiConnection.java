package io.gpufleet.api.providers;

import com.openai.client.OpenAIClient;
import com.openai.models.models.Model;
import io.gpufleet.persistence.providers.ProviderKind;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.setup.OpenAiSetup;

/**
 * OpenAI (or any server that speaks its chat completions API) through Spring AI's OpenAI module on
 * the official SDK, pointed at the profile's endpoint. The SDK's own retries are off.
 */
final class OpenAiConnection implements ProviderConnection {

  private final OpenAIClient client;
  private final OpenAiChatModel chat;

  OpenAiConnection(ConnectionSpec spec) {
    // an empty key would switch the SDK to its no-auth mode; a keyless profile sends a dummy one
    String key = spec.apiKey() == null || spec.apiKey().isBlank() ? "none" : spec.apiKey();
    this.client =
        OpenAiSetup.setupSyncClient(
            spec.baseUrl(),
            key,
            null,
            null,
            null,
            null,
            false,
            false,
            null,
            spec.timeout(),
            0,
            null,
            null,
            ObservationRegistry.NOOP,
            null,
            List.of());
    this.chat =
        OpenAiChatModel.builder()
            .openAiClient(client)
            .options(
                OpenAiChatOptions.builder()
                    .baseUrl(spec.baseUrl())
                    .apiKey(key)
                    .timeout(spec.timeout())
                    .maxRetries(0)
                    .build())
            .build();
  }

  @Override
  public ProviderKind provider() {
    return ProviderKind.OPENAI;
  }

  @Override
  public ChatModel chatModel() {
    return chat;
  }

  @Override
  public ChatOptions options(String model, ProfileOptions options) {
    // the per-call options carry the timeout too: the SDK takes it from them, not the client
    return OpenAiChatOptions.builder()
        .model(model)
        .timeout(options.timeout())
        .maxRetries(0)
        .temperature(options.temperature())
        .topP(options.topP())
        .maxTokens(options.maxTokens())
        .build();
  }

  @Override
  public Catalog catalog() {
    List<OfferedModel> models = new ArrayList<>();
    for (Model model : client.models().list().autoPager()) {
      String id = model.id();
      models.add(new OfferedModel(id, id.startsWith("gpt-4o") || id.startsWith("gpt-4.1")));
    }
    return new Catalog(null, models);
  }
}
