package io.gpufleet.comfy.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A model file a workflow needs: the folder under {@code models/} and the name as written. */
public record ModelReference(String folder, String name, String nodeId, String field) {
  private static final Map<String, String> FOLDER_BY_FIELD =
      Map.ofEntries(
          Map.entry("ckpt_name", "checkpoints"),
          Map.entry("lora_name", "loras"),
          Map.entry("vae_name", "vae"),
          Map.entry("control_net_name", "controlnet"),
          Map.entry("unet_name", "diffusion_models"),
          Map.entry("clip_name", "text_encoders"),
          Map.entry("clip_name1", "text_encoders"),
          Map.entry("clip_name2", "text_encoders"),
          Map.entry("clip_name3", "text_encoders"),
          Map.entry("style_model_name", "style_models"),
          Map.entry("gligen_name", "gligen"),
          Map.entry("hypernetwork_name", "hypernetworks"),
          Map.entry("config_name", "configs"));

  static List<ModelReference> of(Workflow workflow) {
    List<ModelReference> out = new ArrayList<>();
    for (Node node : workflow.nodes().values()) {
      node.inputs()
          .forEach(
              (field, in) -> {
                if (!(in instanceof Input.Literal) || !((Input.Literal) in).value().isString()) {
                  return;
                }
                String folder = folderFor(node.classType(), field);
                if (folder != null) {
                  out.add(
                      new ModelReference(
                          folder, ((Input.Literal) in).value().asString(), node.id(), field));
                }
              });
    }
    return List.copyOf(out);
  }

  static @Nullable String folderFor(String classType, String field) {
    if ("model_name".equals(field)) {
      return classType.contains("Upscale") ? "upscale_models" : null;
    }
    if ("clip_name".equals(field) && classType.contains("CLIPVision")) {
      return "clip_vision";
    }
    return FOLDER_BY_FIELD.get(field);
  }
}
