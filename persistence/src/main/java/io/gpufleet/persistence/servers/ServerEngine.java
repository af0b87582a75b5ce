package io.gpufleet.persistence.servers;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;
import java.util.Optional;

/** What a server runs for the fleet: ComfyUI (image generations) or Ollama (language models). */
public enum ServerEngine {
  COMFYUI,
  OLLAMA;

  /** The stored and answered name: lower case, as the API's other enum-like names. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ServerEngine> parse(String text) {
    for (ServerEngine engine : values()) {
      if (engine.id().equalsIgnoreCase(text.strip())) {
        return Optional.of(engine);
      }
    }
    return Optional.empty();
  }

  /** Keeps the column's lower-case values (its CHECK constraint names them). */
  @Converter
  public static final class Column implements AttributeConverter<ServerEngine, String> {

    @Override
    public String convertToDatabaseColumn(ServerEngine engine) {
      return engine.id();
    }

    @Override
    public ServerEngine convertToEntityAttribute(String stored) {
      return parse(stored).orElseThrow(() -> new IllegalStateException("engine " + stored));
    }
  }
}
