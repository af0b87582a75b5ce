package io.gpufleet.api.providers;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import io.gpufleet.persistence.providers.ProviderKind;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.google.genai.GoogleGenAiChatModel;
import org.springframework.ai.google.genai.GoogleGenAiChatOptions;

/**
 * Gemini (the Gemini Developer API, keyed) through Spring AI's Google GenAI module, whose SDK
 * client takes the profile's endpoint as its base URL; the SDK's and Spring AI's retries are off.
 */
final class GeminiConnection implements ProviderConnection {

  private final Client client;
  private final GoogleGenAiChatModel chat;

  GeminiConnection(ConnectionSpec spec) {
    this.client =
        Client.builder()
            .apiKey(spec.apiKey() == null ? "" : spec.apiKey())
            .vertexAI(false)
            .httpOptions(
                HttpOptions.builder()
                    .baseUrl(spec.baseUrl())
                    .timeout((int) spec.timeout().toMillis())
                    .retryOptions(HttpRetryOptions.builder().attempts(1).build())
                    .build())
            .build();
    this.chat =
        GoogleGenAiChatModel.builder()
            .genAiClient(client)
            .options(GoogleGenAiChatOptions.builder().build())
            .retryTemplate(NoRetry.TEMPLATE)
            .build();
  }

  @Override
  public ProviderKind provider() {
    return ProviderKind.GEMINI;
  }

  @Override
  public ChatModel chatModel() {
    return chat;
  }

  @Override
  public ChatOptions options(String model, ProfileOptions options) {
    return GoogleGenAiChatOptions.builder()
        .model(model)
        .temperature(options.temperature())
        .topP(options.topP())
        .maxOutputTokens(options.maxTokens())
        .build();
  }

  @Override
  public Catalog catalog() {
    List<OfferedModel> models = new ArrayList<>();
    for (Model model : client.models.list(ListModelsConfig.builder().pageSize(100).build())) {
      boolean chats = model.supportedActions().map(a -> a.contains("generateContent")).orElse(true);
      String name = model.name().orElse("");
      if (chats && !name.isEmpty()) {
        models.add(new OfferedModel(name.replaceFirst("^models/", ""), true));
      }
    }
    return new Catalog(null, models);
  }
}
