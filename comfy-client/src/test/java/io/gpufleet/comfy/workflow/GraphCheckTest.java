package io.gpufleet.comfy.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.DefaultWorkflows;
import org.junit.jupiter.api.Test;

/** The link checks ComfyUI makes before running a graph, made before the graph is stored. */
class GraphCheckTest {

  @Test
  void theDefaultWorkflowIsSound() {
    assertThat(DefaultWorkflows.textToImage("sd15.safetensors", 7).linkProblems(null)).isEmpty();
  }

  @Test
  void aLinkToANodeThatDoesNotExistIsNamed() {
    Workflow graph =
        Workflow.parse(
            """
            {"1": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}}}
            """);

    assertThat(graph.linkProblems(null))
        .singleElement()
        .asString()
        .contains("node 1 input samples links to node 9, which does not exist");
  }

  @Test
  void aCycleIsFoundAndItsNodesNamed() {
    Workflow graph =
        Workflow.parse(
            """
            {"1": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["2", 0], "scale_by": 2}},
             "2": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["1", 0], "scale_by": 2}},
             "3": {"class_type": "EmptyLatentImage",
                   "inputs": {"width": 512, "height": 512, "batch_size": 1}}}
            """);

    assertThat(graph.linkProblems(null))
        .singleElement()
        .asString()
        .contains("cycle")
        .contains("1")
        .contains("2")
        .doesNotContain("3");
  }

  @Test
  void aLongChainIsCheckedWithoutRunningOutOfStack() {
    StringBuilder json = new StringBuilder("{\"0\": {\"class_type\": \"EmptyLatentImage\",");
    json.append("\"inputs\": {\"width\": 64, \"height\": 64, \"batch_size\": 1}}");
    for (int i = 1; i < 20_000; i++) {
      json.append(",\"")
          .append(i)
          .append("\": {\"class_type\": \"LatentUpscaleBy\", \"inputs\": {\"samples\": [\"")
          .append(i - 1)
          .append("\", 0], \"scale_by\": 1}}");
    }
    json.append('}');

    assertThat(Workflow.parse(json.toString()).linkProblems(null)).isEmpty();
  }
}
