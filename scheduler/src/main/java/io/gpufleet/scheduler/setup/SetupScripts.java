package io.gpufleet.scheduler.setup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The setup scripts shipped with the platform (resources under {@code /setup}). */
public final class SetupScripts {

  /** Installs ComfyUI and starts it as a service; see the script's header for its settings. */
  public static final String INSTALL_COMFYUI = "install-comfyui.sh";

  /**
   * Installs Ollama, binds it to all interfaces and starts it as a service, then pulls the models
   * {@code OLLAMA_MODELS_TO_PULL} names; the default setup of a server whose engine is Ollama.
   */
  public static final String INSTALL_OLLAMA = "install-ollama.sh";

  /** Stops the ComfyUI service and removes the installation (models kept by default). */
  public static final String RESET_COMFYUI = "reset-comfyui.sh";

  private SetupScripts() {}

  /** The text of a bundled script, e.g. {@link #INSTALL_COMFYUI}. */
  public static String load(String name) {
    try (InputStream in = SetupScripts.class.getResourceAsStream("/setup/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled setup script named " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
