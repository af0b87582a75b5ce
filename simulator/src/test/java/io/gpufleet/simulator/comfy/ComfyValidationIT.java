package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.ValidationError;
import io.gpufleet.comfy.workflow.Workflow;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The simulator refuses what ComfyUI refuses, with ComfyUI's error types and shapes. */
class ComfyValidationIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static ComfyRig rig;

  @BeforeAll
  static void start() throws InterruptedException {
    rig = ComfyRig.fast();
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** A LoadImage → {@code middle} → SaveImage graph around node "2". */
  private static String around(String middle) {
    String image = rig.upload("v.png", 64, 64);
    return """
        {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
         "4": {"class_type": "CheckpointLoaderSimple",
               "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
         "2": %s,
         "9": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "v"}}}
        """
        .formatted(image, middle);
  }

  private static ComfyException.PromptRejected rejected(String prompt) {
    try {
      rig.client.submit(Workflow.parse(prompt), UUID.randomUUID(), rig.session.clientId());
    } catch (ComfyException.PromptRejected e) {
      return e;
    }
    throw new AssertionError("accepted: " + prompt);
  }

  private static ValidationError only(ComfyException.PromptRejected e, String node) {
    assertThat(e.type()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(e.nodeErrors()).containsKey(node);
    assertThat(e.nodeErrors().get(node).dependentOutputs()).containsExactly("9");
    assertThat(e.nodeErrors().get(node).errors()).hasSize(1);
    return e.nodeErrors().get(node).errors().get(0);
  }

  @Test
  void anUnknownClassIsAnInvalidPrompt() {
    ComfyException.PromptRejected e =
        rejected(around("{\"class_type\": \"NoSuchNode\", \"inputs\": {}}"));

    assertThat(e.type()).isEqualTo("invalid_prompt");
    assertThat(e.getMessage()).contains("Cannot execute because node NoSuchNode does not exist.");
    assertThat(e.details()).isEqualTo("Node ID '#2'");
    assertThat(e.nodeErrors()).isEmpty();
  }

  @Test
  void aMissingRequiredInputIsNamed() {
    ValidationError error =
        only(
            rejected(
                around(
                    "{\"class_type\": \"ImageScaleBy\", \"inputs\": {\"image\": [\"1\", 0],"
                        + " \"upscale_method\": \"bicubic\"}}")),
            "2");

    assertThat(error.type()).isEqualTo("required_input_missing");
    assertThat(error.inputName()).isEqualTo("scale_by");
    assertThat(error.details()).isEqualTo("scale_by");
  }

  @Test
  void aLinkOfTheWrongTypeIsAReturnTypeMismatch() {
    ValidationError error =
        only(
            rejected(
                around("{\"class_type\": \"ImageInvert\", \"inputs\": {\"image\": [\"4\", 2]}}")),
            "2");

    assertThat(error.type()).isEqualTo("return_type_mismatch");
    assertThat(error.details()).isEqualTo("image, received_type(VAE) mismatch input_type(IMAGE)");
    assertThat(error.extraInfo().path("received_type").asString()).isEqualTo("VAE");
  }

  @Test
  void numbersOutOfBoundsAreRefused() {
    ValidationError tooBig =
        only(
            rejected(
                around(
                    "{\"class_type\": \"ImageScaleBy\", \"inputs\": {\"image\": [\"1\", 0],"
                        + " \"upscale_method\": \"bicubic\", \"scale_by\": 9.5}}")),
            "2");
    ValidationError tooSmall =
        only(
            rejected(
                around(
                    "{\"class_type\": \"ImagePadForOutpaint\", \"inputs\": {\"image\": [\"1\", 0],"
                        + " \"left\": -8, \"top\": 0, \"right\": 0, \"bottom\": 0,"
                        + " \"feathering\": 40}}")),
            "2");

    assertThat(tooBig.type()).isEqualTo("value_bigger_than_max");
    assertThat(tooBig.message()).isEqualTo("Value 9.5 bigger than max of 8.0");
    assertThat(tooSmall.type()).isEqualTo("value_smaller_than_min");
    assertThat(tooSmall.message()).isEqualTo("Value -8 smaller than min of 0");
    assertThat(tooSmall.inputName()).isEqualTo("left");
  }

  @Test
  void aComboValueNotInTheListIsRefused() {
    ValidationError error =
        only(
            rejected(
                around(
                    "{\"class_type\": \"ImageScale\", \"inputs\": {\"image\": [\"1\", 0],"
                        + " \"upscale_method\": \"magic\", \"width\": 64, \"height\": 64,"
                        + " \"crop\": \"disabled\"}}")),
            "2");

    assertThat(error.type()).isEqualTo("value_not_in_list");
    assertThat(error.details())
        .isEqualTo(
            "upscale_method: 'magic' not in ['nearest-exact', 'bilinear', 'area', 'bicubic',"
                + " 'lanczos']");
    assertThat(error.extraInfo().path("received_value").asString()).isEqualTo("magic");
  }

  @Test
  void aMissingImageFailsLoadImagesOwnValidation() {
    ComfyException.PromptRejected e =
        rejected(
            """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "not-uploaded.png"}},
             "9": {"class_type": "SaveImage", "inputs": {"images": ["1", 0],
                   "filename_prefix": "v"}}}
            """);

    ValidationError error = e.nodeErrors().get("1").errors().get(0);
    assertThat(error.type()).isEqualTo("custom_validation_failed");
    assertThat(error.details()).isEqualTo("image - Invalid image file: not-uploaded.png");
  }

  @Test
  void aRefusalHasComfyUIsBodyShape() throws Exception {
    String prompt =
        around(
            "{\"class_type\": \"ImageScaleBy\", \"inputs\": {\"image\": [\"4\", 2],"
                + " \"upscale_method\": \"area\", \"scale_by\": 2}}");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(rig.sim.baseUrl() + "/prompt"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": " + prompt + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("error").path("type").asString())
        .isEqualTo("prompt_outputs_failed_validation");
    assertThat(body.path("error").path("details").asString())
        .as("only the output node's own reasons")
        .isEmpty();
    JsonNode node = body.path("node_errors").path("2");
    assertThat(node.path("class_type").asString()).isEqualTo("ImageScaleBy");
    assertThat(node.path("dependent_outputs").toString()).isEqualTo("[\"9\"]");
    JsonNode error = node.path("errors").get(0);
    assertThat(error.path("type").asString()).isEqualTo("return_type_mismatch");
    assertThat(error.path("extra_info").path("linked_node").toString()).isEqualTo("[\"4\",2]");
    assertThat(body.path("node_errors").has("9")).as("the output failed only upstream").isFalse();
  }

  @Test
  void anUnknownUpscaleModelPassesValidationAndFailsWhenItRunsLikeComfyUI() throws Exception {
    UUID id = UUID.randomUUID();
    rig.client.submit(
        Workflow.parse(
            around(
                    "{\"class_type\": \"ImageUpscaleWithModel\", \"inputs\": {\"image\": [\"1\", 0],"
                        + " \"upscale_model\": [\"5\", 0]}}")
                .replace(
                    "\"2\":",
                    "\"5\": {\"class_type\": \"UpscaleModelLoader\","
                        + " \"inputs\": {\"model_name\": \"missing.pth\"}}, \"2\":")),
        id,
        rig.session.clientId());

    ComfyEvent.ExecutionError error =
        rig.events.await(
            ComfyEvent.ExecutionError.class,
            e -> id.toString().equals(e.promptId()),
            ComfyRig.WAIT);
    assertThat(error.nodeType()).isEqualTo("UpscaleModelLoader");
    assertThat(error.exceptionType()).isEqualTo("FileNotFoundError");
    assertThat(error.exceptionMessage())
        .isEqualTo("Model in folder 'upscale_models' with filename 'missing.pth' not found.");
  }

  @Test
  void aPromptWithoutOutputsIsRefused() {
    assertThatThrownBy(
            () ->
                rig.client.submit(
                    Workflow.parse(
                        "{\"1\": {\"class_type\": \"EmptyLatentImage\", \"inputs\": {\"width\": 64,"
                            + " \"height\": 64, \"batch_size\": 1}}}"),
                    UUID.randomUUID(),
                    "x"))
        .isInstanceOfSatisfying(
            ComfyException.PromptRejected.class,
            e -> assertThat(e.type()).isEqualTo("prompt_no_outputs"));
  }
}
