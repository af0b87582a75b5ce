package io.gpufleet.simulator.comfy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The node classes the simulator knows, served as /object_info and used by validation. */
final class NodeCatalog {
  static final BigInteger SEED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  static final List<String> SAMPLERS =
      List.of(
          "euler",
          "euler_cfg_pp",
          "euler_ancestral",
          "euler_ancestral_cfg_pp",
          "heun",
          "heunpp2",
          "dpm_2",
          "dpm_2_ancestral",
          "lms",
          "dpm_fast",
          "dpm_adaptive",
          "dpmpp_2s_ancestral",
          "dpmpp_2s_ancestral_cfg_pp",
          "dpmpp_sde",
          "dpmpp_sde_gpu",
          "dpmpp_2m",
          "dpmpp_2m_cfg_pp",
          "dpmpp_2m_sde",
          "dpmpp_2m_sde_gpu",
          "dpmpp_2m_sde_heun",
          "dpmpp_2m_sde_heun_gpu",
          "dpmpp_3m_sde",
          "dpmpp_3m_sde_gpu",
          "ddpm",
          "lcm",
          "ipndm",
          "ipndm_v",
          "deis",
          "res_multistep",
          "res_multistep_cfg_pp",
          "res_multistep_ancestral",
          "res_multistep_ancestral_cfg_pp",
          "gradient_estimation",
          "gradient_estimation_cfg_pp",
          "er_sde",
          "seeds_2",
          "seeds_3",
          "sa_solver",
          "sa_solver_pece",
          "ddim",
          "uni_pc",
          "uni_pc_bh2");
  static final List<String> SCHEDULERS =
      List.of(
          "simple",
          "sgm_uniform",
          "karras",
          "exponential",
          "ddim_uniform",
          "beta",
          "normal",
          "linear_quadratic",
          "kl_optimal");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** An input; {@code options} is non-null for combos, {@code v3Combo} picks the wire shape. */
  record InputDef(
      String name,
      boolean required,
      String type,
      ObjectNode config,
      Supplier<List<String>> options,
      boolean v3Combo) {
    boolean isCombo() {
      return "COMBO".equals(type);
    }
  }

  record NodeDef(
      String name,
      String displayName,
      String category,
      boolean outputNode,
      List<InputDef> inputs,
      List<String> outputs,
      List<String> outputNames,
      String description) {
    Optional<InputDef> input(String inputName) {
      return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
    }
  }

  private final Map<String, NodeDef> nodes = new LinkedHashMap<>();

  NodeCatalog(ModelRegistry models, Supplier<List<String>> inputImages) {
    add(
        node(
            "CheckpointLoaderSimple",
            "Load Checkpoint",
            "loaders",
            false,
            List.of(combo("ckpt_name", () -> models.files("checkpoints"), false)),
            List.of("MODEL", "CLIP", "VAE"),
            "Loads a diffusion model checkpoint."));
    add(
        node(
            "CLIPTextEncode",
            "CLIP Text Encode (Prompt)",
            "conditioning",
            false,
            List.of(
                widget(
                    "text",
                    "STRING",
                    F.objectNode().put("multiline", true).put("dynamicPrompts", true)),
                socket("clip", "CLIP")),
            List.of("CONDITIONING"),
            "Encodes a text prompt."));
    add(
        node(
            "EmptyLatentImage",
            "Empty Latent Image",
            "latent",
            false,
            List.of(
                widget("width", "INT", intCfg(512, 16, 16384, 8)),
                widget("height", "INT", intCfg(512, 16, 16384, 8)),
                widget("batch_size", "INT", intCfg(1, 1, 4096, 1))),
            List.of("LATENT"),
            "Create a new batch of empty latent images."));
    ObjectNode seed = F.objectNode().put("default", 0).put("min", 0);
    seed.put("max", SEED_MAX);
    seed.put("control_after_generate", true);
    add(
        node(
            "KSampler",
            "KSampler",
            "sampling",
            false,
            List.of(
                socket("model", "MODEL"),
                widget("seed", "INT", seed),
                widget("steps", "INT", intCfg(20, 1, 10000, 1)),
                widget(
                    "cfg",
                    "FLOAT",
                    F.objectNode()
                        .put("default", 8.0)
                        .put("min", 0.0)
                        .put("max", 100.0)
                        .put("step", 0.1)
                        .put("round", 0.01)),
                combo("sampler_name", () -> SAMPLERS, false),
                combo("scheduler", () -> SCHEDULERS, false),
                socket("positive", "CONDITIONING"),
                socket("negative", "CONDITIONING"),
                socket("latent_image", "LATENT"),
                widget(
                    "denoise",
                    "FLOAT",
                    F.objectNode()
                        .put("default", 1.0)
                        .put("min", 0.0)
                        .put("max", 1.0)
                        .put("step", 0.01))),
            List.of("LATENT"),
            "Denoises the latent image."));
    add(
        node(
            "VAEDecode",
            "VAE Decode",
            "latent",
            false,
            List.of(socket("samples", "LATENT"), socket("vae", "VAE")),
            List.of("IMAGE"),
            "Decodes latent images back into pixel space images."));
    add(
        node(
            "SaveImage",
            "Save Image",
            "image",
            true,
            List.of(
                socket("images", "IMAGE"),
                widget("filename_prefix", "STRING", F.objectNode().put("default", "ComfyUI"))),
            List.of(),
            "Saves the input images to your ComfyUI output directory."));
    add(
        node(
            "PreviewImage",
            "Preview Image",
            "image",
            true,
            List.of(socket("images", "IMAGE")),
            List.of(),
            "Saves the input images to the temp directory."));
    ObjectNode upload = F.objectNode().put("image_upload", true);
    add(
        node(
            "LoadImage",
            "Load Image",
            "image",
            false,
            List.of(new InputDef("image", true, "COMBO", upload, inputImages, false)),
            List.of("IMAGE", "MASK"),
            "Loads an image from the input directory."));
    add(
        node(
            "LoraLoader",
            "Load LoRA",
            "loaders",
            false,
            List.of(
                socket("model", "MODEL"),
                socket("clip", "CLIP"),
                combo("lora_name", () -> models.files("loras"), true),
                widget(
                    "strength_model",
                    "FLOAT",
                    F.objectNode()
                        .put("default", 1.0)
                        .put("min", -100.0)
                        .put("max", 100.0)
                        .put("step", 0.01)),
                widget(
                    "strength_clip",
                    "FLOAT",
                    F.objectNode()
                        .put("default", 1.0)
                        .put("min", -100.0)
                        .put("max", 100.0)
                        .put("step", 0.01))),
            List.of("MODEL", "CLIP"),
            "Applies a LoRA to the model and CLIP."));
    add(
        node(
            "VAELoader",
            "Load VAE",
            "loaders",
            false,
            List.of(combo("vae_name", () -> models.files("vae"), false)),
            List.of("VAE"),
            "Loads a VAE."));
  }

  Optional<NodeDef> get(String classType) {
    return Optional.ofNullable(nodes.get(classType));
  }

  ObjectNode objectInfo() {
    ObjectNode out = F.objectNode();
    nodes.values().forEach(n -> out.set(n.name(), describe(n)));
    return out;
  }

  ObjectNode objectInfo(String classType) {
    ObjectNode out = F.objectNode();
    get(classType).ifPresent(n -> out.set(n.name(), describe(n)));
    return out;
  }

  private static ObjectNode describe(NodeDef n) {
    ObjectNode info = F.objectNode();
    ObjectNode input = info.putObject("input");
    ObjectNode required = input.putObject("required");
    ObjectNode optional = F.objectNode();
    ObjectNode order = F.objectNode();
    ArrayNode reqOrder = order.putArray("required");
    for (InputDef in : n.inputs()) {
      ArrayNode spec = (in.required() ? required : optional).putArray(in.name());
      if (in.isCombo() && in.v3Combo()) {
        spec.add("COMBO");
        ObjectNode cfg = in.config().deepCopy();
        ArrayNode opts = cfg.putArray("options");
        in.options().get().forEach(opts::add);
        cfg.put("multiselect", false);
        spec.add(cfg);
      } else if (in.isCombo()) {
        ArrayNode opts = spec.addArray();
        in.options().get().forEach(opts::add);
        spec.add(in.config().deepCopy());
      } else {
        spec.add(in.type());
        if (!in.config().isEmpty()) {
          spec.add(in.config().deepCopy());
        }
      }
      if (in.required()) {
        reqOrder.add(in.name());
      }
    }
    if (!optional.isEmpty()) {
      input.set("optional", optional);
    }
    ObjectNode hidden = input.putObject("hidden");
    if (n.outputNode()) {
      hidden.put("prompt", "PROMPT").put("extra_pnginfo", "EXTRA_PNGINFO");
      order.putArray("hidden").add("prompt").add("extra_pnginfo");
    }
    info.set("input_order", order);
    ArrayNode outputs = info.putArray("output");
    ArrayNode isList = info.putArray("output_is_list");
    ArrayNode names = info.putArray("output_name");
    for (String o : n.outputs()) {
      outputs.add(o);
      isList.add(false);
      names.add(o);
    }
    info.put("name", n.name());
    info.put("display_name", n.displayName());
    info.put("description", n.description());
    info.put("python_module", "nodes");
    info.put("category", n.category());
    info.put("output_node", n.outputNode());
    return info;
  }

  private void add(NodeDef def) {
    nodes.put(def.name(), def);
  }

  private static NodeDef node(
      String name,
      String display,
      String category,
      boolean output,
      List<InputDef> inputs,
      List<String> outputs,
      String description) {
    return new NodeDef(
        name, display, category, output, inputs, outputs, new ArrayList<>(outputs), description);
  }

  private static InputDef widget(String name, String type, ObjectNode config) {
    return new InputDef(name, true, type, config, List::of, false);
  }

  private static InputDef socket(String name, String type) {
    return new InputDef(name, true, type, F.objectNode(), List::of, false);
  }

  private static InputDef combo(String name, Supplier<List<String>> options, boolean v3) {
    return new InputDef(
        name,
        true,
        "COMBO",
        F.objectNode().put("tooltip", "The " + name.replace('_', ' ') + "."),
        options,
        v3);
  }

  private static ObjectNode intCfg(int dflt, int min, int max, int step) {
    return F.objectNode().put("default", dflt).put("min", min).put("max", max).put("step", step);
  }
}
