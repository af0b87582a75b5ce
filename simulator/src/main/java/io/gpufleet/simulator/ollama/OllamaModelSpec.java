package io.gpufleet.simulator.ollama;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A model the simulated Ollama has (or can pull): its name with tag, size, family, parameter size
 * and capabilities ({@code completion}, and {@code vision} for models that take images).
 */
public record OllamaModelSpec(
    String name,
    long sizeBytes,
    String family,
    String parameterSize,
    String quantization,
    List<String> capabilities) {

  public OllamaModelSpec {
    capabilities = List.copyOf(capabilities);
  }

  public static OllamaModelSpec of(
      String name, long sizeBytes, String family, String parameterSize, boolean vision) {
    return new OllamaModelSpec(
        withTag(name),
        sizeBytes,
        family,
        parameterSize,
        "Q4_K_M",
        vision ? List.of("completion", "vision") : List.of("completion"));
  }

  /** What a pull of an unknown name brings: a small text model whose size follows from its name. */
  static OllamaModelSpec pulled(String name) {
    long size = 500_000_000L + Math.floorMod(name.hashCode(), 3_000_000_000L);
    return of(name, size, "llama", "3B", name.contains("llava") || name.contains("vision"));
  }

  boolean vision() {
    return capabilities.contains("vision");
  }

  /** {@code sha256:…} of the name, stable across runs like a real manifest digest. */
  String digest() {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Ollama names without a tag mean {@code :latest}. */
  static String withTag(String name) {
    int slash = name.lastIndexOf('/');
    return name.indexOf(':', slash + 1) < 0 ? name + ":latest" : name;
  }
}
