package io.gpufleet.comfy.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.comfy.DefaultWorkflows;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkflowTest {
  private final Workflow workflow =
      DefaultWorkflows.textToImage("v1-5-pruned-emaonly-fp16.safetensors", 42);

  private static final NodeDefinitions DEFS =
      NodeDefinitions.parse(
          """
          {"KSampler": {"input": {"required": {
              "model": ["MODEL"], "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true}],
              "steps": ["INT", {"default": 20, "min": 1, "max": 10000}], "cfg": ["FLOAT", {"default": 8.0}],
              "sampler_name": [["euler", "dpmpp_2m"], {}], "scheduler": ["COMBO", {"options": ["normal", "karras"]}],
              "positive": ["CONDITIONING"], "negative": ["CONDITIONING"], "latent_image": ["LATENT"],
              "denoise": ["FLOAT", {"default": 1.0}]}},
            "input_order": {"required": ["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative", "latent_image", "denoise"]},
            "output": ["LATENT"], "output_node": false, "display_name": "KSampler"},
           "CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["v1-5-pruned-emaonly-fp16.safetensors"], {}]}}, "output": ["MODEL", "CLIP", "VAE"], "output_node": false},
           "CLIPTextEncode": {"input": {"required": {"text": ["STRING", {"multiline": true}], "clip": ["CLIP"]}}, "output": ["CONDITIONING"], "output_node": false},
           "EmptyLatentImage": {"input": {"required": {"width": ["INT", {"default": 512}], "height": ["INT", {"default": 512}], "batch_size": ["INT", {"default": 1}]}}, "output": ["LATENT"], "output_node": false},
           "VAEDecode": {"input": {"required": {"samples": ["LATENT"], "vae": ["VAE"]}}, "output": ["IMAGE"], "output_node": false},
           "SaveImage": {"input": {"required": {"images": ["IMAGE"], "filename_prefix": ["STRING", {"default": "ComfyUI"}]}}, "output": [], "output_node": true},
           "LoadImage": {"input": {"required": {"image": [["cat.png"], {"image_upload": true}]}}, "output": ["IMAGE", "MASK"], "output_node": false}}
          """);

  @Test
  void parsesAndSerialisesTheDefaultWorkflow() {
    assertThat(workflow.nodeCount()).isEqualTo(7);
    assertThat(workflow.node("3").orElseThrow().link("model")).contains(new Input.Link("4", 0));
    assertThat(workflow.node("9").orElseThrow().title()).isEqualTo("Save Image");
    assertThat(Workflow.parse(workflow.toJsonString())).isEqualTo(workflow);
  }

  @Test
  void executionOrderPutsEveryNodeAfterItsInputs() {
    List<String> order = workflow.executionOrder(null);

    assertThat(order).hasSize(7).endsWith("9");
    assertThat(order.indexOf("4")).isLessThan(order.indexOf("6"));
    assertThat(order.indexOf("3")).isLessThan(order.indexOf("8"));
    assertThat(workflow.executionOrder(DEFS)).isEqualTo(order);
  }

  @Test
  void commonParametersFollowTheSamplerLinks() {
    List<ParameterTarget> common = workflow.commonParameters();

    assertThat(common)
        .contains(
            new ParameterTarget(
                CommonParameter.PROMPT,
                "6",
                "text",
                workflow.node("6").orElseThrow().literal("text").orElseThrow()),
            new ParameterTarget(
                CommonParameter.NEGATIVE_PROMPT,
                "7",
                "text",
                workflow.node("7").orElseThrow().literal("text").orElseThrow()));
    assertThat(common)
        .extracting(ParameterTarget::target)
        .contains(
            "3/seed",
            "3/steps",
            "3/cfg",
            "3/sampler_name",
            "3/scheduler",
            "5/width",
            "5/height",
            "4/ckpt_name");
  }

  @Test
  void parametersCarryTypesAndDefaultsFromDefinitions() {
    Parameter steps =
        workflow.parameters(DEFS).stream()
            .filter(p -> p.target().equals("3/steps"))
            .findFirst()
            .orElseThrow();

    assertThat(steps.type()).isEqualTo("INT");
    assertThat(steps.defaultValue().asInt()).isEqualTo(20);
    assertThat(workflow.parameters(DEFS))
        .extracting(Parameter::target)
        .contains("3/sampler_name")
        .doesNotContain("3/model");
  }

  @Test
  void requiredModelsAreGroupedByFolder() {
    assertThat(workflow.requiredModels())
        .containsExactly(
            new ModelReference(
                "checkpoints", "v1-5-pruned-emaonly-fp16.safetensors", "4", "ckpt_name"));
  }

  @Test
  void settingInputsIsTypeChecked() {
    Workflow changed = workflow.with("3/steps", 30, DEFS).with("6/text", "a cat", null);

    assertThat(changed.node("3").orElseThrow().literal("steps").orElseThrow().asInt())
        .isEqualTo(30);
    assertThat(workflow.node("3").orElseThrow().literal("steps").orElseThrow().asInt())
        .isEqualTo(20);
    assertThatThrownBy(() -> workflow.with("3/steps", "many", DEFS))
        .isInstanceOf(WorkflowException.class);
    assertThatThrownBy(() -> workflow.with("3/steps", 0, DEFS)).hasMessageContaining("minimum");
    assertThatThrownBy(() -> workflow.with("3/sampler_name", "nope", DEFS))
        .hasMessageContaining("not in");
    assertThatThrownBy(() -> workflow.with("6/text", 5, null))
        .isInstanceOf(WorkflowException.class);
    assertThatThrownBy(() -> workflow.with("3/model", "x", null)).hasMessageContaining("link");
  }

  @Test
  void seedsMayExceedLong() {
    BigInteger big = new BigInteger("18446744073709551615");
    Workflow changed = workflow.with("3/seed", big, DEFS);

    assertThat(changed.node("3").orElseThrow().literal("seed").orElseThrow().bigIntegerValue())
        .isEqualTo(big);
    assertThat(changed.toJsonString()).contains("18446744073709551615");
  }

  @Test
  void randomSeedsStayWithinTheMaximum() {
    NodeDefinitions small =
        NodeDefinitions.parse(
            "{\"KSampler\": {\"input\": {\"required\": {\"seed\": [\"INT\", {\"min\": 0, \"max\": 9}]}}, \"output\": []}}");

    for (int i = 0; i < 50; i++) {
      Workflow w = workflow.withRandomSeeds(new Random(i), small);
      assertThat(w.node("3").orElseThrow().literal("seed").orElseThrow().bigIntegerValue())
          .isBetween(BigInteger.ZERO, BigInteger.valueOf(9));
    }
    assertThat(workflow.withRandomSeeds(new Random(1), null))
        .isNotEqualTo(workflow.withRandomSeeds(new Random(2), null));
  }

  @Test
  void aUiWorkflowIsRefusedAsApiFormat() {
    assertThatThrownBy(() -> Workflow.parse("{\"nodes\": [], \"links\": []}"))
        .hasMessageContaining("UI-format");
  }

  @Test
  void uiFormatConvertsWithControlAfterGenerateUploadAndConvertedWidgets() {
    String ui =
        """
        {"last_node_id": 10, "last_link_id": 9, "version": 0.4,
         "nodes": [
          {"id": 4, "type": "CheckpointLoaderSimple", "mode": 0, "inputs": [],
           "outputs": [{"name": "MODEL", "type": "MODEL", "links": [1]}, {"name": "CLIP", "type": "CLIP", "links": [3, 5]}, {"name": "VAE", "type": "VAE", "links": [8]}],
           "widgets_values": ["v1-5-pruned-emaonly-fp16.safetensors"]},
          {"id": 6, "type": "CLIPTextEncode", "mode": 0, "title": "Positive", "inputs": [{"name": "clip", "type": "CLIP", "link": 3}], "widgets_values": ["a cat"]},
          {"id": 7, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 5}], "widgets_values": ["blurry"]},
          {"id": 5, "type": "EmptyLatentImage", "mode": 0, "inputs": [], "widgets_values": [768, 512, 1]},
          {"id": 10, "type": "PrimitiveNode", "mode": 0, "outputs": [{"name": "INT", "type": "INT", "links": [9]}], "widgets_values": [33, "fixed"]},
          {"id": 3, "type": "KSampler", "mode": 0,
           "inputs": [{"name": "model", "type": "MODEL", "link": 1}, {"name": "positive", "type": "CONDITIONING", "link": 4},
                      {"name": "negative", "type": "CONDITIONING", "link": 6}, {"name": "latent_image", "type": "LATENT", "link": 2},
                      {"name": "steps", "type": "INT", "widget": {"name": "steps"}, "link": 9}],
           "widgets_values": [156680208700286, true, 20, 8, "euler", "normal", 1]},
          {"id": 8, "type": "VAEDecode", "mode": 0, "inputs": [{"name": "samples", "type": "LATENT", "link": 7}, {"name": "vae", "type": "VAE", "link": 8}]},
          {"id": 11, "type": "Note", "mode": 0, "widgets_values": ["hello"]},
          {"id": 12, "type": "LoadImage", "mode": 2, "widgets_values": ["cat.png", "image"]},
          {"id": 13, "type": "LoadImage", "mode": 0, "widgets_values": ["cat.png", "image"]},
          {"id": 9, "type": "SaveImage", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 10}], "widgets_values": ["ComfyUI"]}
         ],
         "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"], [4, 6, 0, 3, 1, "CONDITIONING"],
                   [5, 4, 1, 7, 0, "CLIP"], [6, 7, 0, 3, 2, "CONDITIONING"], [7, 3, 0, 8, 0, "LATENT"], [8, 4, 2, 8, 1, "VAE"],
                   [9, 10, 0, 3, 4, "INT"], [10, 8, 0, 9, 0, "IMAGE"]]}
        """;

    Workflow converted = UiWorkflowConverter.convert(ui, DEFS);

    assertThat(converted.nodes().keySet())
        .containsExactlyInAnyOrder("4", "6", "7", "5", "3", "8", "13", "9");
    Node sampler = converted.node("3").orElseThrow();
    assertThat(sampler.literal("seed").orElseThrow().asLong()).isEqualTo(156680208700286L);
    assertThat(sampler.literal("steps").orElseThrow().asInt()).isEqualTo(33);
    assertThat(sampler.literal("cfg").orElseThrow().asInt()).isEqualTo(8);
    assertThat(sampler.literal("sampler_name").orElseThrow().asString()).isEqualTo("euler");
    assertThat(sampler.literal("scheduler").orElseThrow().asString()).isEqualTo("normal");
    assertThat(sampler.literal("denoise").orElseThrow().asInt()).isEqualTo(1);
    assertThat(sampler.link("positive")).contains(new Input.Link("6", 0));
    assertThat(converted.node("13").orElseThrow().inputs()).containsOnlyKeys("image");
    assertThat(converted.node("6").orElseThrow().title()).isEqualTo("Positive");
    assertThat(converted.node("5").orElseThrow().literal("width").orElseThrow().asInt())
        .isEqualTo(768);
    assertThat(converted.commonParameters())
        .extracting(ParameterTarget::target)
        .contains("6/text", "7/text");
  }

  @Test
  void conversionNeedsKnownNodeTypes() {
    assertThatThrownBy(
            () ->
                UiWorkflowConverter.convert(
                    "{\"nodes\": [{\"id\": 1, \"type\": \"Mystery\", \"mode\": 0}], \"links\": []}",
                    DEFS))
        .hasMessageContaining("Mystery");
  }
}
