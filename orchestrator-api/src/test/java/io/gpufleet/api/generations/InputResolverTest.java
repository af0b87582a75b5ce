package io.gpufleet.api.generations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.workflows.WorkflowImport;
import io.gpufleet.api.workflows.WorkflowModel;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.scheduler.routing.ModelNeed;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class InputResolverTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final WorkflowModel workflow = model(shipped());

  private static Workflow shipped() {
    try (var in =
        InputResolverTest.class
            .getClassLoader()
            .getResourceAsStream("workflows/sd-text-to-image.json")) {
      return Workflow.fromJson(GenerationViews.JSON.readTree(in).path("workflow"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shortcutsAndNodeFieldKeysAreAppliedToTheSnapshot() {
    InputResolver.Resolved r =
        InputResolver.resolve(
            workflow,
            Map.of("prompt", F.stringNode("a fox"), "5/width", F.numberNode(768)),
            new Random(1));
    assertThat(r.snapshot().node("6").orElseThrow().literal("text").orElseThrow().asString())
        .isEqualTo("a fox");
    assertThat(r.snapshot().node("5").orElseThrow().literal("width").orElseThrow().asInt())
        .isEqualTo(768);
  }

  @Test
  void seedMinusOneIsResolvedAndWritten() {
    InputResolver.Resolved r =
        InputResolver.resolve(workflow, Map.of("seed", F.numberNode(-1)), new Random(1));
    assertThat(r.seed()).isNotNull().isBetween(0L, InputResolver.RANDOM_SEED_BOUND);
    assertThat(r.snapshot().node("3").orElseThrow().literal("seed").orElseThrow().asLong())
        .isEqualTo(r.seed());
  }

  @Test
  void aGivenSeedIsKept() {
    assertThat(
            InputResolver.resolve(workflow, Map.of("seed", F.numberNode(42)), new Random(1)).seed())
        .isEqualTo(42L);
  }

  @Test
  void unknownKeysWrongTypesAndRangesAreReportedTogether() {
    Map<String, JsonNode> bad =
        Map.of(
            "nonsense", F.numberNode(1),
            "steps", F.stringNode("many"),
            "width", F.numberNode(1),
            "9/filename_prefix", F.stringNode("x"));
    assertThatThrownBy(() -> InputResolver.resolve(workflow, bad, new Random(1)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("VALIDATION_ERROR");
              assertThat(e.properties().get("errors").toString())
                  .contains(
                      "inputs.nonsense",
                      "inputs.steps",
                      "inputs.width",
                      "inputs.9/filename_prefix");
            });
  }

  private static WorkflowModel model(Workflow graph) {
    Map<String, List<String>> shortcuts = WorkflowImport.shortcuts(graph);
    return new WorkflowModel(
        UUID.randomUUID(),
        "t",
        null,
        graph,
        WorkflowImport.defaultInputs(graph, shortcuts),
        shortcuts,
        RoutingPolicy.Need.nodeClasses(graph),
        ModelNeed.of(graph),
        true,
        Instant.EPOCH,
        Instant.EPOCH);
  }
}
