package io.gpufleet.scheduler.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gpufleet.comfy.workflow.Workflow;
import org.junit.jupiter.api.Test;

class WorkEstimateTest {

  private static Workflow txt2img(int steps, int width, int height, int batch, double denoise) {
    return Workflow.parse(
        """
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
         "5": {"class_type": "EmptyLatentImage",
               "inputs": {"width": %d, "height": %d, "batch_size": %d}},
         "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
         "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": %d, "cfg": 7,
               "sampler_name": "euler", "scheduler": "normal", "denoise": %s,
               "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0],
               "latent_image": ["5", 0]}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
        """
            .formatted(width, height, batch, steps, denoise));
  }

  @Test
  void oneStepAt512SquareIsOneUnit() {
    assertThat(WorkEstimate.of(txt2img(20, 512, 512, 1, 1.0))).isCloseTo(20, within(1e-9));
  }

  @Test
  void workGrowsWithPixelsBatchAndSteps() {
    assertThat(WorkEstimate.of(txt2img(20, 1024, 1024, 2, 1.0))).isCloseTo(160, within(1e-9));
    assertThat(WorkEstimate.of(txt2img(60, 512, 512, 1, 1.0)))
        .isCloseTo(7.5 * WorkEstimate.of(txt2img(8, 512, 512, 1, 1.0)), within(1e-9));
  }

  @Test
  void aPartialDenoiseRunsThatShareOfItsSteps() {
    assertThat(WorkEstimate.of(txt2img(30, 512, 512, 1, 0.5))).isCloseTo(15, within(1e-9));
  }

  @Test
  void aHiresFixCountsBothSamplersAtTheirOwnSizes() {
    Workflow hires =
        Workflow.parse(
            """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
             "5": {"class_type": "EmptyLatentImage",
                   "inputs": {"width": 512, "height": 512, "batch_size": 1}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat", "clip": ["4", 1]}},
             "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 7,
                   "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                   "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0],
                   "latent_image": ["5", 0]}},
             "10": {"class_type": "LatentUpscaleBy",
                    "inputs": {"samples": ["3", 0], "upscale_method": "nearest-exact", "scale_by": 2.0}},
             "11": {"class_type": "KSamplerAdvanced", "inputs": {"add_noise": "enable",
                    "noise_seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler",
                    "scheduler": "normal", "start_at_step": 10, "end_at_step": 10000,
                    "return_with_leftover_noise": "disable", "model": ["4", 0],
                    "positive": ["6", 0], "negative": ["6", 0], "latent_image": ["10", 0]}},
             "8": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["4", 2]}},
             "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
            """);
    // 20 steps at 512x512, then steps 10 to 20 at 1024x1024 (four units a step)
    assertThat(WorkEstimate.of(hires)).isCloseTo(20 + 10 * 4, within(1e-9));
  }

  @Test
  void aGraphWithoutASamplerStillCostsSomething() {
    Workflow upscale =
        Workflow.parse(
            """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
             "2": {"class_type": "ImageScaleBy",
                   "inputs": {"image": ["1", 0], "upscale_method": "lanczos", "scale_by": 2.0}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
            """);
    assertThat(WorkEstimate.of(upscale)).isEqualTo(WorkEstimate.FLOOR);
  }

  @Test
  void linksThatLoopOrLeadNowhereFallBackTo512Square() {
    Workflow dangling =
        Workflow.parse(
            """
            {"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 10, "cfg": 7,
                   "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                   "latent_image": ["99", 0]}}}
            """);
    assertThat(WorkEstimate.of(dangling)).isCloseTo(10, within(1e-9));
  }
}
