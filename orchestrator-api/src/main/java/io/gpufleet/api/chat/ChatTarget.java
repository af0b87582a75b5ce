package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProfileOptions;
import io.gpufleet.api.providers.ProviderConnection;
import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProviderProfile;
import org.jspecify.annotations.Nullable;

/**
 * Where one chat call goes: the profile (for accounting), the connection that speaks to the
 * provider, the model and the options in force, and the model's price row if it has one. The
 * connection is the profile's endpoint, or for a fleet profile an Ollama server of the fleet.
 */
record ChatTarget(
    ProviderProfile profile,
    ProviderConnection connection,
    String model,
    ProfileOptions options,
    @Nullable String secret,
    @Nullable ProfileModel price) {

  @Override
  public String toString() {
    return "ChatTarget[" + profile.getName() + " " + model + "]";
  }
}
