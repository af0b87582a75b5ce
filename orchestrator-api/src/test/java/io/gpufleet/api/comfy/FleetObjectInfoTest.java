package io.gpufleet.api.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.routing.ServerCapabilities;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fleet's /object_info: what any healthy server offers, combo choices from all of them. */
class FleetObjectInfoTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ServerCapabilities.Capabilities server(
      String objectInfo, Map<String, Set<String>> models) {
    return new ServerCapabilities.Capabilities(null, models, JSON.readTree(objectInfo));
  }

  @Test
  void classesAreUnitedAndComboListsMergedInBothShapes() {
    var a =
        server(
            """
            {"Loader": {"input": {"required": {"ckpt_name": [["a.safetensors"], {"tooltip": "t"}]}},
                        "output": ["MODEL"]},
             "Sampler": {"input": {"required": {"sampler": ["COMBO", {"options": ["euler"]}]}}}}
            """,
            Map.of("checkpoints", Set.of("a.safetensors")));
    var b =
        server(
            """
            {"Loader": {"input": {"required": {"ckpt_name": [["b.safetensors", "a.safetensors"], {}]}},
                        "output": ["MODEL"]},
             "Sampler": {"input": {"required": {"sampler": ["COMBO", {"options": ["heun", "euler"]}]}}},
             "Upscaler": {"input": {"required": {}}, "output": ["IMAGE"]}}
            """,
            Map.of("checkpoints", Set.of("b.safetensors"), "upscale_models", Set.of("x.pth")));

    FleetObjectInfo.Union union = FleetObjectInfo.merge(List.of(a, b), List.of(a, b));

    JsonNode info = union.objectInfo();
    assertThat(info.propertyNames()).containsExactlyInAnyOrder("Loader", "Sampler", "Upscaler");
    assertThat(
            info.path("Loader").path("input").path("required").path("ckpt_name").get(0).toString())
        .isEqualTo("[\"a.safetensors\",\"b.safetensors\"]");
    assertThat(
            info.path("Loader")
                .path("input")
                .path("required")
                .path("ckpt_name")
                .get(1)
                .path("tooltip")
                .asString())
        .isEqualTo("t");
    assertThat(
            info.path("Sampler")
                .path("input")
                .path("required")
                .path("sampler")
                .get(1)
                .path("options")
                .toString())
        .isEqualTo("[\"euler\",\"heun\"]");
    assertThat(
            union
                .definitions()
                .get("Loader")
                .orElseThrow()
                .input("ckpt_name")
                .orElseThrow()
                .options())
        .containsExactly("a.safetensors", "b.safetensors");
    assertThat(union.models().get("checkpoints")).containsExactly("a.safetensors", "b.safetensors");
    assertThat(union.models()).containsKey("upscale_models");
    // the servers' own answers are left as they were
    assertThat(
            a.objectInfo().path("Loader").path("input").path("required").path("ckpt_name").get(0))
        .hasSize(1);
  }

  @Test
  void aFleetWithNoKnownServerHasNoDefinitions() {
    FleetObjectInfo.Union union = FleetObjectInfo.merge(List.of(), List.of());

    assertThat(union.definitions()).isNull();
    assertThat(union.objectInfo().isEmpty()).isTrue();
  }
}
