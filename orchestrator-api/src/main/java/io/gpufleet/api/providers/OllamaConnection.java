package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProviderKind;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.ollama.OllamaChatModel;
import org.springframework.ai.ollama.api.OllamaApi;
import org.springframework.ai.ollama.api.OllamaChatOptions;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.DefaultResponseErrorHandler;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Ollama through Spring AI's {@link OllamaApi} (chat, tags, show) on the JDK HTTP client, plus the
 * endpoints Spring AI does not cover ({@link OllamaManagement}). Errors keep their HTTP status
 * (Spring's default handler) and are not retried here: chat is interactive, the caller decides. The
 * one exception is a pooled connection the server had closed while it sat idle: the request never
 * reached Ollama, so it is sent once more on a fresh connection.
 */
final class OllamaConnection implements ProviderConnection {

  private final OllamaApi api;
  private final OllamaChatModel chat;
  private final OllamaManagement management;

  OllamaConnection(ConnectionSpec spec) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(spec.timeout());
    JdkClientHttpConnector streams = new JdkClientHttpConnector(http);
    streams.setReadTimeout(spec.timeout());
    this.api =
        OllamaApi.builder()
            .baseUrl(spec.baseUrl())
            .restClientBuilder(
                RestClient.builder()
                    .requestFactory(requests)
                    .requestInterceptor(
                        (request, body, execution) -> {
                          for (int attempt = 1; ; attempt++) {
                            try {
                              return execution.execute(request, body);
                            } catch (IOException e) {
                              if (attempt >= StaleConnections.ATTEMPTS
                                  || !StaleConnections.isStale(e)) {
                                throw e;
                              }
                            }
                          }
                        }))
            // a stream over a stale connection is tried again by the chat streamer, whole
            .webClientBuilder(WebClient.builder().clientConnector(streams))
            .responseErrorHandler(new DefaultResponseErrorHandler())
            .build();
    this.chat = OllamaChatModel.builder().ollamaApi(api).retryTemplate(NoRetry.TEMPLATE).build();
    this.management = new OllamaManagement(http, spec.baseUrl(), spec.timeout());
  }

  @Override
  public ProviderKind provider() {
    return ProviderKind.OLLAMA;
  }

  @Override
  public ChatModel chatModel() {
    return chat;
  }

  @Override
  public ChatOptions options(String model, ProfileOptions options) {
    return OllamaChatOptions.builder()
        .model(model)
        .temperature(options.temperature())
        .topP(options.topP())
        .numPredict(options.maxTokens())
        .build();
  }

  @Override
  public Catalog catalog() {
    String version = management.version();
    List<OfferedModel> models = new ArrayList<>();
    for (OllamaApi.Model model : api.listModels().models()) {
      List<String> capabilities =
          api.showModel(new OllamaApi.ShowModelRequest(model.name())).capabilities();
      models.add(
          new OfferedModel(model.name(), capabilities != null && capabilities.contains("vision")));
    }
    return new Catalog(version, models);
  }

  OllamaManagement management() {
    return management;
  }
}
