package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.comfy.workflow.NodeDefinition;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** /object_info offers ComfyUI's core node set in the shapes a real ComfyUI 0.3.64 gives. */
class ComfyNodeCatalogIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ComfyRig rig;
  private static NodeDefinitions defs;

  @BeforeAll
  static void start() throws InterruptedException {
    rig = ComfyRig.fast();
    rig.upload("uploaded.png", 16, 16);
    defs = rig.client.objectInfo();
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void theCoreNodeSetIsThere() {
    assertThat(defs.classTypes())
        .contains(
            "CheckpointLoaderSimple",
            "VAELoader",
            "LoraLoader",
            "CLIPLoader",
            "ControlNetLoader",
            "UpscaleModelLoader",
            "CLIPVisionLoader",
            "CLIPTextEncode",
            "CLIPSetLastLayer",
            "ControlNetApply",
            "ControlNetApplyAdvanced",
            "ConditioningCombine",
            "ConditioningConcat",
            "ConditioningSetArea",
            "EmptyLatentImage",
            "VAEEncode",
            "VAEDecode",
            "VAEEncodeForInpaint",
            "LatentUpscale",
            "LatentUpscaleBy",
            "LatentBatch",
            "LatentCrop",
            "KSampler",
            "KSamplerAdvanced",
            "LoadImage",
            "LoadImageMask",
            "SaveImage",
            "PreviewImage",
            "ImageScale",
            "ImageScaleBy",
            "ImageUpscaleWithModel",
            "ImageInvert",
            "ImageCrop",
            "ImagePadForOutpaint",
            "ImageBatch",
            "SaveImageWebsocket",
            "SaveAnimatedWEBP",
            "SaveAnimatedPNG",
            "SaveWEBM",
            "SaveVideo",
            "CreateVideo",
            "SaveAudio",
            "SaveAudioMP3",
            "SaveAudioOpus",
            "LoadAudio",
            "EmptyLatentAudio");
    for (String save :
        List.of(
            "SaveImage",
            "PreviewImage",
            "SaveImageWebsocket",
            "SaveAnimatedWEBP",
            "SaveAnimatedPNG",
            "SaveWEBM",
            "SaveVideo",
            "SaveAudio",
            "SaveAudioMP3",
            "SaveAudioOpus",
            "PreviewAudio")) {
      assertThat(node(save).outputNode()).as(save + " is an output node").isTrue();
    }
    assertThat(node("KSampler").outputNode()).isFalse();
  }

  @Test
  void inputsTypesAndOutputsAreComfyUIs() {
    NodeDefinition encode = node("VAEEncode");
    assertThat(encode.inputs()).extracting(InputSpec::name).containsExactly("pixels", "vae");
    assertThat(encode.inputs()).extracting(InputSpec::type).containsExactly("IMAGE", "VAE");
    assertThat(encode.outputTypes()).containsExactly("LATENT");

    NodeDefinition advanced = node("KSamplerAdvanced");
    InputSpec seed = advanced.input("noise_seed").orElseThrow();
    assertThat(seed.max()).isEqualByComparingTo(new BigDecimal("18446744073709551615"));
    assertThat(seed.hasControlAfterGenerate()).isTrue();
    assertThat(advanced.input("end_at_step").orElseThrow().defaultValue().asInt()).isEqualTo(10000);
    assertThat(advanced.input("add_noise").orElseThrow().options())
        .containsExactly("enable", "disable");
    assertThat(advanced.input("scheduler").orElseThrow().options()).contains("karras", "normal");

    assertThat(node("ImagePadForOutpaint").outputTypes()).containsExactly("IMAGE", "MASK");
    assertThat(node("ImageScaleBy").input("scale_by").orElseThrow().max())
        .isEqualByComparingTo("8.0");
    NodeDefinition apply = node("ControlNetApplyAdvanced");
    assertThat(apply.outputNames()).containsExactly("positive", "negative");
    assertThat(apply.input("vae").orElseThrow().required()).isFalse();
    assertThat(node("LatentUpscale").input("upscale_method").orElseThrow().options())
        .containsExactly("nearest-exact", "bilinear", "area", "bicubic", "bislerp");
    assertThat(node("CLIPSetLastLayer").input("stop_at_clip_layer").orElseThrow().min())
        .isEqualByComparingTo("-24");
  }

  @Test
  void combosListThisServersModelsAndUploads() {
    assertThat(node("CheckpointLoaderSimple").input("ckpt_name").orElseThrow().options())
        .contains("v1-5-pruned-emaonly.safetensors", "v1-5-pruned-emaonly-fp16.safetensors");
    assertThat(node("VAELoader").input("vae_name").orElseThrow().options())
        .containsExactly("sdxl_vae.safetensors", "pixel_space");
    InputSpec upscale = node("UpscaleModelLoader").input("model_name").orElseThrow();
    assertThat(upscale.isCombo()).isTrue();
    assertThat(upscale.options()).containsExactly("RealESRGAN_x4plus.pth");
    InputSpec image = node("LoadImage").input("image").orElseThrow();
    assertThat(image.imageUpload()).isTrue();
    assertThat(image.options()).contains("uploaded.png");
  }

  @Test
  void classicAndNewerNodesAreServedInTheirOwnShapes() throws Exception {
    JsonNode decode = raw("VAEDecode").path("VAEDecode");
    assertThat(decode.path("input").has("hidden")).isFalse();
    assertThat(decode.path("input_order").path("required").toString())
        .isEqualTo("[\"samples\",\"vae\"]");
    assertThat(decode.path("output_is_list").toString()).isEqualTo("[false]");
    assertThat(decode.path("python_module").asString()).isEqualTo("nodes");
    assertThat(decode.has("output_tooltips")).isFalse();
    assertThat(decode.has("deprecated")).isFalse();

    JsonNode loader = raw("UpscaleModelLoader").path("UpscaleModelLoader");
    JsonNode spec = loader.path("input").path("required").path("model_name");
    assertThat(spec.get(0).asString()).isEqualTo("COMBO");
    assertThat(spec.get(1).path("options").toString()).isEqualTo("[\"RealESRGAN_x4plus.pth\"]");
    assertThat(spec.get(1).path("multiselect").asBoolean(true)).isFalse();
    assertThat(loader.path("output_tooltips").toString()).isEqualTo("[null]");
    assertThat(loader.path("api_node").isBoolean()).isTrue();
    assertThat(loader.path("python_module").asString())
        .isEqualTo("comfy_extras.nodes_upscale_model");

    assertThat(raw("LatentBatch").path("LatentBatch").path("display_name").isNull()).isTrue();
    assertThat(raw("SaveImage").path("SaveImage").path("input").path("hidden").toString())
        .isEqualTo("{\"prompt\":\"PROMPT\",\"extra_pnginfo\":\"EXTRA_PNGINFO\"}");
    assertThat(raw("SaveWEBM").path("SaveWEBM").path("input").path("hidden").toString())
        .isEqualTo("{\"prompt\":[\"PROMPT\"],\"extra_pnginfo\":[\"EXTRA_PNGINFO\"]}");
    assertThat(raw("ControlNetApply").path("ControlNetApply").path("deprecated").asBoolean())
        .isTrue();
    assertThat(raw("NoSuchNode").toString()).isEqualTo("{}");
  }

  private static NodeDefinition node(String classType) {
    return defs.get(classType).orElseThrow(() -> new AssertionError("no " + classType));
  }

  private static JsonNode raw(String classType) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(rig.sim.baseUrl() + "/api/object_info/" + classType))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
