package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProviderKind;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * One profile's live connection: its Spring AI chat model (built once per profile version) and what
 * the provider offers. Failures come out as the providers' own exceptions; {@link ProviderErrors}
 * turns them into {@link ProviderProblem}s.
 */
public interface ProviderConnection {

  ProviderKind provider();

  /** The chat model; a provider that does not chat (ComfyUI) refuses. */
  ChatModel chatModel();

  /** The options of one call, in the provider's own options type. */
  ChatOptions options(String model, ProfileOptions options);

  /** The provider's version where it tells one, and the models it offers. */
  Catalog catalog();

  record Catalog(@Nullable String version, List<OfferedModel> models) {}

  /** A model as the provider lists it; {@code vision} when it is known to take images. */
  record OfferedModel(String name, boolean vision) {}
}
