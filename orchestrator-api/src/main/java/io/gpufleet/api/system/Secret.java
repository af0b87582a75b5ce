package io.gpufleet.api.system;

/**
 * A configured secret (a password, an API key). Its {@code toString} never shows the value, so a
 * logged configuration object cannot leak it.
 */
public record Secret(String value) {

  public boolean isBlank() {
    return value.isBlank();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "Secret[empty]" : "Secret[******]";
  }
}
