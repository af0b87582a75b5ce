package io.gpufleet.comfy;

/** Where the server stored an upload; {@code name} may differ from the sent name on clashes. */
public record UploadedFile(String name, String subfolder, String type) {
  /** The value to give LoadImage's {@code image} input. */
  public String reference() {
    return subfolder.isEmpty() ? name : subfolder + "/" + name;
  }
}
