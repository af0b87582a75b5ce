package io.gpufleet.benchmarks;

import io.gpufleet.comfy.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every generation submission pays before it is queued: parse the workflow, find its
 * parameters and models, set inputs, resolve the seed and write the snapshot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WorkflowBenchmark {

  private String textToImage = "";
  private String bigGraph = "";
  private Workflow parsed = Workflow.parse("{}");
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup
  public void load() throws IOException {
    try (InputStream in = WorkflowBenchmark.class.getResourceAsStream("/sd-text-to-image.json")) {
      JsonNode file =
          JsonMapper.builder()
              .build()
              .readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      textToImage = file.path("workflow").toString();
    }
    parsed = Workflow.parse(textToImage);
    bigGraph = chain(300);
  }

  /** A long img2img-style chain: 300 nodes, each fed by the one before. */
  private static String chain(int length) {
    StringBuilder json =
        new StringBuilder(
            "{\"1\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"a.safetensors\"}}");
    for (int i = 2; i <= length; i++) {
      json.append(",\"")
          .append(i)
          .append("\":{\"class_type\":\"LoraLoader\",\"inputs\":{\"lora_name\":\"l")
          .append(i)
          .append(".safetensors\",\"strength_model\":0.8,\"strength_clip\":0.8,\"model\":[\"")
          .append(i - 1)
          .append("\",0],\"clip\":[\"")
          .append(i - 1)
          .append("\",1]}}");
    }
    return json.append('}').toString();
  }

  @Benchmark
  public List<?> parseAndAnalyseTextToImage() {
    Workflow workflow = Workflow.parse(textToImage);
    return List.of(
        workflow.commonParameters(), workflow.requiredModels(), workflow.executionOrder(null));
  }

  @Benchmark
  public String setInputsSeedAndSnapshot() {
    return parsed
        .with("6/text", "a lighthouse at dusk, volumetric light", null)
        .with("3/steps", 25, null)
        .withRandomSeeds(random, null)
        .toJsonString();
  }

  @Benchmark
  public List<?> parseAndOrderA300NodeGraph() {
    Workflow workflow = Workflow.parse(bigGraph);
    return List.of(workflow.requiredModels(), workflow.executionOrder(null));
  }
}
