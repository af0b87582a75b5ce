package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.OutputFile;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Real workflows on the simulator: outputs have the sizes the graph gives them. */
class ComfyGraphShapesIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path SHIPPED = Path.of("../orchestrator-api/src/main/resources/workflows");
  private static final String CKPT = "v1-5-pruned-emaonly.safetensors";
  private static ComfyRig rig;

  @BeforeAll
  static void start() throws InterruptedException {
    rig = ComfyRig.fast();
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** Checkpoint, prompts and a KSampler over {@code latent}; extra nodes from {@code more}. */
  private static String graph(String latent, String denoise, String more) {
    return """
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["4", 1]}},
         "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
         "3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 12, "cfg": 7.0,
               "sampler_name": "euler", "scheduler": "normal", "denoise": %s, "model": ["4", 0],
               "positive": ["6", 0], "negative": ["7", 0], "latent_image": %s}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         %s}
        """
        .formatted(CKPT, denoise, latent, more);
  }

  @Test
  void imageToImageUpscaledByTwoIsTwiceTheUploadedSize() throws Exception {
    String image = rig.upload("fox.png", 200, 120);

    HistoryEntry entry =
        rig.run(
            graph(
                "[\"11\", 0]",
                "0.6",
                """
                "10": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                "11": {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}},
                "12": {"class_type": "ImageScaleBy", "inputs": {"image": ["8", 0],
                       "upscale_method": "bicubic", "scale_by": 2.0}},
                "9": {"class_type": "SaveImage", "inputs": {"images": ["12", 0],
                      "filename_prefix": "i2i"}}
                """
                    .formatted(image)));

    assertThat(entry.succeeded()).isTrue();
    BufferedImage out = rig.image(ComfyRig.file(entry, "9", "images"));
    assertThat(out.getWidth()).isEqualTo(400);
    assertThat(out.getHeight()).isEqualTo(240);
  }

  @Test
  void aDenoiseBelowOneStillRunsEveryStep() throws Exception {
    String image = rig.upload("steps.png", 64, 64);

    HistoryEntry entry =
        rig.run(
            graph(
                "[\"11\", 0]",
                "0.3",
                """
                "10": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                "11": {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["4", 2]}},
                "9": {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}
                """
                    .formatted(image)));

    assertThat(entry.succeeded()).isTrue();
    assertThat(progressOf(entry.promptId(), "3")).containsExactly(12, 12);
  }

  @Test
  void outpaintingPadsTheImageAndInpaintingKeepsItsSize() throws Exception {
    String image = rig.upload("room.png", 256, 128);

    HistoryEntry entry =
        rig.run(
            graph(
                "[\"11\", 0]",
                "1.0",
                """
                "10": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                "13": {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["10", 0],
                       "left": 64, "top": 0, "right": 64, "bottom": 32, "feathering": 40}},
                "11": {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["13", 0],
                       "vae": ["4", 2], "mask": ["13", 1], "grow_mask_by": 6}},
                "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0],
                      "filename_prefix": "outpaint"}}
                """
                    .formatted(image)));

    BufferedImage out = rig.image(ComfyRig.file(entry, "9", "images"));
    assertThat(out.getWidth()).isEqualTo(384);
    assertThat(out.getHeight()).isEqualTo(160);
  }

  @Test
  void anUpscaleModelMultipliesByItsFactorAndACropCutsTheResult() throws Exception {
    String image = rig.upload("small.png", 50, 40);

    HistoryEntry entry =
        rig.run(
            """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
             "2": {"class_type": "UpscaleModelLoader",
                   "inputs": {"model_name": "RealESRGAN_x4plus.pth"}},
             "3": {"class_type": "ImageUpscaleWithModel",
                   "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
             "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0],
                   "filename_prefix": "up"}},
             "5": {"class_type": "ImageCrop", "inputs": {"image": ["3", 0], "width": 150,
                   "height": 100, "x": 100, "y": 10}},
             "6": {"class_type": "ImageInvert", "inputs": {"image": ["5", 0]}},
             "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0],
                   "filename_prefix": "crop"}}}
            """
                .formatted(image));

    BufferedImage up = rig.image(ComfyRig.file(entry, "4", "images"));
    assertThat(up.getWidth()).isEqualTo(200);
    assertThat(up.getHeight()).isEqualTo(160);
    BufferedImage crop = rig.image(ComfyRig.file(entry, "7", "images"));
    assertThat(crop.getWidth()).as("the crop stops at the right edge").isEqualTo(100);
    assertThat(crop.getHeight()).isEqualTo(100);
  }

  @Test
  void latentUpscalesAndBatchesAddUp() throws Exception {
    HistoryEntry entry =
        rig.run(
            graph(
                "[\"12\", 0]",
                "1.0",
                """
                "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 320,
                      "batch_size": 2}},
                "10": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 320,
                       "batch_size": 1}},
                "11": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["5", 0],
                       "upscale_method": "nearest-exact", "scale_by": 1.5}},
                "13": {"class_type": "LatentUpscale", "inputs": {"samples": ["10", 0],
                       "upscale_method": "nearest-exact", "width": 768, "height": 0,
                       "crop": "disabled"}},
                "12": {"class_type": "LatentBatch", "inputs": {"samples1": ["11", 0],
                       "samples2": ["13", 0]}},
                "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0],
                      "filename_prefix": "batch"}}
                """));

    List<OutputFile> images = entry.images().get("9");
    assertThat(images).hasSize(3);
    for (OutputFile f : images) {
      BufferedImage img = rig.image(f);
      assertThat(img.getWidth()).isEqualTo(768);
      assertThat(img.getHeight()).isEqualTo(480);
    }
  }

  @Test
  void kSamplerAdvancedRunsFromStartToEndStep() throws Exception {
    HistoryEntry entry =
        rig.run(
            """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["4", 1]}},
             "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 256, "height": 256,
                   "batch_size": 1}},
             "3": {"class_type": "KSamplerAdvanced", "inputs": {"model": ["4", 0],
                   "add_noise": "enable", "noise_seed": 1, "steps": 30, "cfg": 7.0,
                   "sampler_name": "euler", "scheduler": "normal", "positive": ["6", 0],
                   "negative": ["6", 0], "latent_image": ["5", 0], "start_at_step": 10,
                   "end_at_step": 25, "return_with_leftover_noise": "disable"}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
             "9": {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}}
            """
                .formatted(CKPT));

    assertThat(entry.succeeded()).isTrue();
    assertThat(progressOf(entry.promptId(), "3")).containsExactly(15, 15);
  }

  /** Every workflow the platform ships validates and runs, with outputs of the graph's size. */
  @Test
  void thePlatformsShippedWorkflowsRun() throws Exception {
    List<Path> files;
    try (Stream<Path> listed = Files.list(SHIPPED)) {
      files = listed.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("shipped workflows in " + SHIPPED.toAbsolutePath()).isNotEmpty();
    for (Path file : files) {
      ObjectNode workflow = (ObjectNode) JSON.readTree(file.toFile()).get("workflow");
      int[] expected = null;
      for (JsonNode node : workflow) {
        if ("LoadImage".equals(node.path("class_type").asString())) {
          ((ObjectNode) node.get("inputs")).put("image", rig.upload("shipped.png", 320, 240));
          expected = new int[] {320, 240};
        }
      }
      for (JsonNode node : workflow) {
        if (expected == null && "EmptyLatentImage".equals(node.path("class_type").asString())) {
          JsonNode in = node.path("inputs");
          expected = new int[] {in.path("width").asInt(), in.path("height").asInt()};
        }
      }

      HistoryEntry entry = rig.run(workflow.toString());

      assertThat(entry.succeeded()).as(file.toString()).isTrue();
      assertThat(entry.allImages()).as(file.toString()).isNotEmpty();
      for (OutputFile out : entry.allImages()) {
        BufferedImage img = rig.image(out);
        assertThat(new int[] {img.getWidth(), img.getHeight()})
            .as(file.toString())
            .isEqualTo(expected);
      }
    }
  }

  /** The last progress message of {@code node}: value and max. */
  private static List<Integer> progressOf(String promptId, String node) {
    ComfyEvent.Progress last = null;
    for (ComfyEvent e : rig.events.seen) {
      if (e instanceof ComfyEvent.Progress
          && promptId.equals(((ComfyEvent.Progress) e).promptId())
          && node.equals(((ComfyEvent.Progress) e).node())) {
        last = (ComfyEvent.Progress) e;
      }
    }
    assertThat(last).as("progress of node " + node).isNotNull();
    return List.of(last.value(), last.max());
  }
}
