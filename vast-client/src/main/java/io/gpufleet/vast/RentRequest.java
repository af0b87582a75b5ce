package io.gpufleet.vast;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to run on a rented offer. The label is required: it is how a rent whose answer was lost is
 * found again, and how leftovers are recognised.
 *
 * @param env container environment; port requests look like {@code "-p 8188:8188" -> "1"}
 * @param bidDph a bid in $/h makes the instance interruptible; {@code null} rents on demand
 */
public record RentRequest(
    String image,
    int diskGb,
    String label,
    @Nullable String onstart,
    String runtype,
    Map<String, String> env,
    @Nullable Double bidDph) {

  public RentRequest {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(runtype, "runtype");
    if (image.isBlank() || image.length() > 1024) {
      throw new IllegalArgumentException("image must have 1..1024 characters");
    }
    if (label.isBlank() || label.length() > 256) {
      throw new IllegalArgumentException("label must have 1..256 characters");
    }
    if (diskGb < 8) {
      throw new IllegalArgumentException("Vast needs at least 8 GB of disk: " + diskGb);
    }
    env = Map.copyOf(env);
  }

  public static Builder builder(String image, String label) {
    return new Builder(image, label);
  }

  Map<String, Object> toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client_id", "me");
    body.put("image", image);
    body.put("disk", diskGb);
    body.put("label", label);
    if (onstart != null) {
      body.put("onstart", onstart);
    }
    body.put("runtype", runtype);
    body.put("env", env);
    body.put("price", bidDph);
    return body;
  }

  public static final class Builder {
    private final String image;
    private final String label;
    private int diskGb = 10;
    private @Nullable String onstart;
    private String runtype = "ssh_direc ssh_proxy";
    private final Map<String, String> env = new LinkedHashMap<>();
    private @Nullable Double bidDph;

    private Builder(String image, String label) {
      this.image = image;
      this.label = label;
    }

    /** Fixed for the instance's life; default 10. */
    public Builder diskGb(int diskGb) {
      this.diskGb = diskGb;
      return this;
    }

    public Builder onstart(String onstart) {
      this.onstart = onstart;
      return this;
    }

    /** Default {@code "ssh_direc ssh_proxy"}: SSH on a direct port and through the gateway. */
    public Builder runtype(String runtype) {
      this.runtype = runtype;
      return this;
    }

    public Builder env(String key, String value) {
      this.env.put(key, value);
      return this;
    }

    /** Asks Vast to map a random public port to this container TCP port. */
    public Builder exposePort(int containerPort) {
      if (containerPort < 1 || containerPort > 65535) {
        throw new IllegalArgumentException("not a port: " + containerPort);
      }
      this.env.put("-p " + containerPort + ":" + containerPort, "1");
      return this;
    }

    public Builder bidDph(double dollarsPerHour) {
      this.bidDph = dollarsPerHour;
      return this;
    }

    public RentRequest build() {
      return new RentRequest(image, diskGb, label, onstart, runtype, env, bidDph);
    }
  }
}
