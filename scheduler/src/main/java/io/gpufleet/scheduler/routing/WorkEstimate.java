package io.gpufleet.scheduler.routing;

import io.gpufleet.comfy.workflow.Input;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.Workflow;
import java.util.List;
import java.util.Optional;

/**
 * What a graph costs a GPU, in work units: one sampler step on one 512x512 latent. Each sampler
 * node counts its steps (times its denoise) times the pixels of the latent it samples (followed up
 * its links to an empty latent, through upscales) times its batch; a graph without a sampler (an
 * upscale, a VAE decode) counts {@link #FLOOR}. Exact enough to rank servers: the servers' measured
 * speeds are in the same unit, so a misestimate of pixels cancels out on every server.
 */
public final class WorkEstimate {

  /** Every prompt costs at least this much (loading, decoding, saving). */
  public static final double FLOOR = 1.0;

  private static final double UNIT_PIXELS = 512.0 * 512.0;
  private static final int MAX_HOPS = 32;
  private static final List<String> LATENT_INPUTS =
      List.of("samples", "latent", "latent_image", "pixels", "image");

  private WorkEstimate() {}

  public static double of(Workflow graph) {
    double work = 0;
    for (Node node : graph.nodes().values()) {
      Optional<Double> steps = number(node, "steps");
      if (steps.isEmpty() || !samples(node)) {
        continue;
      }
      double share = number(node, "denoise").map(d -> clamp(d, 0, 1)).orElse(1.0);
      Optional<Double> start = number(node, "start_at_step");
      Optional<Double> end = number(node, "end_at_step");
      double counted = steps.get();
      if (start.isPresent() || end.isPresent()) {
        counted = Math.min(end.orElse(counted), counted) - start.orElse(0.0);
        share = 1;
      }
      Latent latent =
          node.link("latent_image").map(l -> latent(graph, l, 0)).orElse(Latent.DEFAULT);
      work += Math.max(0, counted) * share * latent.units();
    }
    return Math.max(FLOOR, work);
  }

  private static boolean samples(Node node) {
    return node.inputs().containsKey("latent_image") || node.classType().contains("Sampler");
  }

  /** The size of the latent at the far end of {@code link}: width x height x batch. */
  private record Latent(double width, double height, double batch) {
    static final Latent DEFAULT = new Latent(512, 512, 1);

    double units() {
      return width * height * batch / UNIT_PIXELS;
    }
  }

  private static Latent latent(Workflow graph, Input.Link link, int hops) {
    Optional<Node> found = graph.node(link.nodeId());
    if (found.isEmpty() || hops > MAX_HOPS) {
      return Latent.DEFAULT;
    }
    Node node = found.get();
    Optional<Double> width = number(node, "width");
    Optional<Double> height = number(node, "height");
    Optional<Input.Link> upstream = upstreamLatent(node);
    Latent below = upstream.isPresent() ? latent(graph, upstream.get(), hops + 1) : Latent.DEFAULT;
    if (width.isPresent() && height.isPresent()) {
      double batch = number(node, "batch_size").orElse(upstream.isPresent() ? below.batch() : 1);
      return new Latent(width.get(), height.get(), Math.max(1, batch));
    }
    Optional<Double> scale = number(node, "scale_by");
    if (scale.isPresent() && upstream.isPresent()) {
      double s = clamp(scale.get(), 0.01, 16);
      return new Latent(below.width() * s, below.height() * s, below.batch());
    }
    Optional<Double> batch = number(node, "batch_size").or(() -> number(node, "amount"));
    if (batch.isPresent()) {
      return new Latent(below.width(), below.height(), Math.max(1, batch.get()));
    }
    return below;
  }

  /** The input of {@code node} that carries the latent it transforms, if any. */
  private static Optional<Input.Link> upstreamLatent(Node node) {
    for (String name : LATENT_INPUTS) {
      Optional<Input.Link> link = node.link(name);
      if (link.isPresent()) {
        return link;
      }
    }
    return Optional.empty();
  }

  private static Optional<Double> number(Node node, String field) {
    return node.literal(field).filter(v -> v.isNumber()).map(v -> v.asDouble());
  }

  private static double clamp(double v, double low, double high) {
    return Math.max(low, Math.min(high, v));
  }
}
