package io.gpufleet.comfy;

import io.gpufleet.comfy.workflow.Workflow;

/** ComfyUI's default text-to-image workflow in API format (nodes 3..9), for tests. */
public final class DefaultWorkflows {
  private DefaultWorkflows() {}

  public static String textToImageJson(String checkpoint, long seed) {
    return """
        {
          "3": {"class_type": "KSampler", "_meta": {"title": "KSampler"},
                "inputs": {"seed": %d, "steps": 20, "cfg": 8, "sampler_name": "euler",
                           "scheduler": "normal", "denoise": 1, "model": ["4", 0],
                           "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
          "4": {"class_type": "CheckpointLoaderSimple", "_meta": {"title": "Load Checkpoint"},
                "inputs": {"ckpt_name": "%s"}},
          "5": {"class_type": "EmptyLatentImage", "_meta": {"title": "Empty Latent Image"},
                "inputs": {"width": 512, "height": 512, "batch_size": 1}},
          "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "CLIP Text Encode (Prompt)"},
                "inputs": {"text": "beautiful scenery nature glass bottle landscape, purple galaxy bottle,",
                           "clip": ["4", 1]}},
          "7": {"class_type": "CLIPTextEncode", "_meta": {"title": "CLIP Text Encode (Prompt)"},
                "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
          "8": {"class_type": "VAEDecode", "_meta": {"title": "VAE Decode"},
                "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
          "9": {"class_type": "SaveImage", "_meta": {"title": "Save Image"},
                "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}
        }
        """
        .formatted(seed, checkpoint);
  }

  public static Workflow textToImage(String checkpoint, long seed) {
    return Workflow.parse(textToImageJson(checkpoint, seed));
  }
}
