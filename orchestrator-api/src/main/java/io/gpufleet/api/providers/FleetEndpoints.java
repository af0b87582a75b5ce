package io.gpufleet.api.providers;

import org.jspecify.annotations.Nullable;

/**
 * Where an Ollama profile whose endpoint is {@link #FLEET} sends a call: to an Ollama server of the
 * fleet chosen for the call's model, rather than to a fixed URL. The fleet ({@code
 * io.gpufleet.api.ollama}) implements it; this module only asks.
 */
public interface FleetEndpoints {

  /** The endpoint of an Ollama profile that routes to the fleet's Ollama servers. */
  String FLEET = "fleet";

  /** The problem code when no healthy Ollama server has the model (503). */
  String NO_SERVER_FOR_MODEL = "NO_SERVER_FOR_MODEL";

  /**
   * The base URL of a healthy Ollama server that has {@code model}, one that has it loaded first; a
   * null model: any healthy Ollama server (for a connection test or a sync).
   *
   * @throws ProviderProblem {@link #NO_SERVER_FOR_MODEL} (503) if there is none
   */
  String pick(@Nullable String model);

  static boolean isFleet(@Nullable String endpoint) {
    return endpoint != null && FLEET.equalsIgnoreCase(endpoint.strip());
  }

  /** With no fleet in this process (a slice of it): nothing to route to. */
  FleetEndpoints NONE =
      model -> {
        throw new ProviderProblem(
            org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE,
            NO_SERVER_FOR_MODEL,
            "No Ollama server of the fleet can take " + (model == null ? "calls" : model));
      };
}
