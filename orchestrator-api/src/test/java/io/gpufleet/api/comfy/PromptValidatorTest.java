package io.gpufleet.api.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.workflow.NodeDefinitions;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** ComfyUI's validation rules, as the endpoint applies them to the fleet's node definitions. */
class PromptValidatorTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A small object_info: a loader with a classic combo, a sampler, a saver, a V3 combo. */
  private static final NodeDefinitions DEFS =
      NodeDefinitions.parse(
          """
          {"Loader": {"input": {"required": {"ckpt_name": [["a.safetensors", "b.safetensors"], {}]}},
                      "output": ["MODEL"], "output_node": false},
           "Sampler": {"input": {"required": {"model": ["MODEL"],
                                              "steps": ["INT", {"default": 20, "min": 1, "max": 100}],
                                              "cfg": ["FLOAT", {"min": 0.0, "max": 30.0}],
                                              "sampler": ["COMBO", {"options": ["euler", "heun"]}]}},
                       "output": ["IMAGE"], "output_node": false},
           "Load": {"input": {"required": {"image": [["example.png"], {"image_upload": true}]}},
                    "output": ["IMAGE"], "output_node": false},
           "Save": {"input": {"required": {"images": ["IMAGE"]}}, "output": [], "output_node": true}}
          """);

  private static PromptValidator.Result validate(String prompt) {
    return PromptValidator.validate(
        JSON.readTree(prompt), DEFS, null, v -> v.startsWith("upload:"), Set.of("Save"));
  }

  private static String graph(String ckpt, Object steps, String sampler) {
    return """
        {"1": {"class_type": "Loader", "inputs": {"ckpt_name": "%s"}},
         "2": {"class_type": "Sampler", "inputs": {"model": ["1", 0], "steps": %s, "cfg": 7.5,
                                                    "sampler": "%s"}},
         "3": {"class_type": "Save", "inputs": {"images": ["2", 0]}}}
        """
        .formatted(ckpt, steps, sampler);
  }

  @Test
  void aValidPromptRunsItsOutputsWithNoNodeErrors() {
    PromptValidator.Result result = validate(graph("a.safetensors", 20, "euler"));

    assertThat(result.error()).isNull();
    assertThat(result.outputs()).containsExactly("3");
    assertThat(result.nodeErrors().isEmpty()).isTrue();
  }

  @Test
  void numbersAsStringsAreConvertedAsComfyUIConvertsThem() {
    assertThat(validate(graph("a.safetensors", "\"20\"", "euler")).error()).isNull();
  }

  @Nested
  class Refusals {

    @Test
    void aComboValueNotInTheListAndANumberOutOfRangeAreReportedPerNode() {
      JsonNode body = validate(graph("c.safetensors", 500, "euler")).error();

      assertThat(body.path("error").path("type").asString())
          .isEqualTo("prompt_outputs_failed_validation");
      JsonNode loader = body.path("node_errors").path("1");
      assertThat(loader.path("class_type").asString()).isEqualTo("Loader");
      assertThat(loader.path("dependent_outputs").toString()).isEqualTo("[\"3\"]");
      assertThat(loader.path("errors").get(0).path("type").asString())
          .isEqualTo("value_not_in_list");
      assertThat(loader.path("errors").get(0).path("details").asString())
          .isEqualTo("ckpt_name: 'c.safetensors' not in [a.safetensors, b.safetensors]");
      assertThat(loader.path("errors").get(0).path("extra_info").path("input_config").get(0))
          .hasSize(2);
      JsonNode sampler = body.path("node_errors").path("2").path("errors").get(0);
      assertThat(sampler.path("type").asString()).isEqualTo("value_bigger_than_max");
      assertThat(sampler.path("extra_info").path("received_value").asInt()).isEqualTo(500);
      assertThat(body.path("node_errors").has("3")).isFalse();
    }

    @Test
    void aV3ComboIsCheckedLikeAClassicOne() {
      JsonNode body = validate(graph("a.safetensors", 20, "lms")).error();

      assertThat(body.path("node_errors").path("2").path("errors").get(0).path("type").asString())
          .isEqualTo("value_not_in_list");
    }

    @Test
    void anUnknownClassOrAMissingClassTypeRefusesTheWholePrompt() {
      JsonNode unknown = validate("{\"1\": {\"class_type\": \"Nope\", \"inputs\": {}}}").error();
      JsonNode untyped = validate("{\"1\": {\"inputs\": {}}}").error();

      assertThat(unknown.path("error").path("type").asString()).isEqualTo("invalid_prompt");
      assertThat(unknown.path("error").path("message").asString())
          .isEqualTo("Cannot execute because node Nope does not exist.");
      assertThat(unknown.path("error").path("details").asString()).isEqualTo("Node ID '#1'");
      assertThat(untyped.path("error").path("type").asString()).isEqualTo("invalid_prompt");
      assertThat(unknown.path("node_errors").isEmpty()).isTrue();
    }

    @Test
    void aPromptWithoutOutputNodesHasNoOutputs() {
      JsonNode body =
          validate(
                  "{\"1\": {\"class_type\": \"Loader\", \"inputs\": {\"ckpt_name\": \"a.safetensors\"}}}")
              .error();

      assertThat(body.path("error").path("type").asString()).isEqualTo("prompt_no_outputs");
    }

    @Test
    void linksToMissingNodesOrOfTheWrongTypeAreExceptionsAndMismatches() {
      JsonNode missing =
          validate("{\"3\": {\"class_type\": \"Save\", \"inputs\": {\"images\": [\"9\", 0]}}}")
              .error();
      JsonNode wrongType =
          validate(
                  "{\"1\": {\"class_type\": \"Loader\", \"inputs\": {\"ckpt_name\": \"a.safetensors\"}},"
                      + " \"3\": {\"class_type\": \"Save\", \"inputs\": {\"images\": [\"1\", 0]}}}")
              .error();

      assertThat(
              missing.path("node_errors").path("3").path("errors").get(0).path("type").asString())
          .isEqualTo("exception_during_validation");
      assertThat(
              wrongType.path("node_errors").path("3").path("errors").get(0).path("type").asString())
          .isEqualTo("return_type_mismatch");
    }

    @Test
    void anImageInputTakesItsListOrAnUploadAndOtherwiseFailsItsOwnValidation() {
      String load =
          "{\"1\": {\"class_type\": \"Load\", \"inputs\": {\"image\": \"%s\"}},"
              + " \"3\": {\"class_type\": \"Save\", \"inputs\": {\"images\": [\"1\", 0]}}}";

      assertThat(validate(load.formatted("example.png")).error()).isNull();
      assertThat(validate(load.formatted("upload:" + UUID.randomUUID())).error()).isNull();
      JsonNode body = validate(load.formatted("someone-elses.png")).error();
      assertThat(body.path("node_errors").path("1").path("errors").get(0).path("type").asString())
          .isEqualTo("custom_validation_failed");
    }
  }

  @Test
  void oneFailingOutputLeavesTheOtherToRun() {
    PromptValidator.Result result =
        validate(
            "{\"1\": {\"class_type\": \"Loader\", \"inputs\": {\"ckpt_name\": \"a.safetensors\"}},"
                + " \"2\": {\"class_type\": \"Sampler\", \"inputs\": {\"model\": [\"1\", 0],"
                + " \"steps\": 20, \"cfg\": 1, \"sampler\": \"euler\"}},"
                + " \"3\": {\"class_type\": \"Save\", \"inputs\": {\"images\": [\"2\", 0]}},"
                + " \"4\": {\"class_type\": \"Save\", \"inputs\": {}}}");

    assertThat(result.error()).isNull();
    assertThat(result.outputs()).containsExactly("3");
    assertThat(result.nodeErrors().path("4").path("errors").get(0).path("type").asString())
        .isEqualTo("required_input_missing");
  }

  @Test
  void namesAnsweredForOutputsAndUploadsMapBackToWhatTheyName() {
    UUID generation = UUID.randomUUID();
    UUID upload = UUID.randomUUID();

    assertThat(FileNames.parseOutput(FileNames.output(generation, 3, "image/png")))
        .contains(new FileNames.OutputRef(generation, 3));
    assertThat(FileNames.parseUpload(FileNames.upload(upload, "image/jpeg"))).contains(upload);
    assertThat(FileNames.parseUpload("sub/" + upload + ".png [input]")).contains(upload);
    assertThat(FileNames.parseOutput("ComfyUI_00001_.png")).isEmpty();
    assertThat(FileNames.parseUpload("example.png")).isEmpty();
  }
}
