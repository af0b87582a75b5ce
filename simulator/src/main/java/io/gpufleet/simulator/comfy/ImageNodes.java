package io.gpufleet.simulator.comfy;

import io.gpufleet.simulator.comfy.NodeBehaviour.Executed;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Image nodes with ComfyUI's size rules: LoadImage has the uploaded file's size, scaling rounds
 * like Python, crops stay inside the image, pads add to it, batches add up.
 */
final class ImageNodes {
  private static final Pattern MODEL_SCALE =
      Pattern.compile("(?:^|[^0-9])([1-8])x(?:[^0-9]|$)|(?:^|[^0-9a-z])x([1-8])(?:[^0-9]|$)");

  /** Formats Pillow reads and javax.imageio does not: shown as the simulator's own picture. */
  private static final List<String> UNREADABLE_HERE = List.of("webp", "tif", "tiff", "ico", "svg");

  private ImageNodes() {}

  static void register(Map<String, NodeBehaviour> nodes) {
    nodes.put(
        "LoadImage",
        (in, run) -> {
          BufferedImage img = read(run, in.string("image"));
          Value.Image image =
              new Value.Image(img.getWidth(), img.getHeight(), 1, Picture.loaded(List.of(img)));
          // Without an alpha channel ComfyUI returns a 64x64 empty mask.
          Value.Mask mask =
              img.getColorModel().hasAlpha()
                  ? new Value.Mask(img.getWidth(), img.getHeight(), 1)
                  : new Value.Mask(64, 64, 1);
          return Executed.of(image, mask);
        });
    nodes.put(
        "LoadImageMask",
        (in, run) -> {
          BufferedImage img = read(run, in.string("image"));
          return Executed.of(new Value.Mask(img.getWidth(), img.getHeight(), 1));
        });
    nodes.put("ImageScale", ImageNodes::scale);
    nodes.put(
        "ImageScaleBy",
        (in, run) -> {
          Value.Image i = in.image("image");
          double by = in.decimal("scale_by");
          return Executed.of(
              resized(i, (int) Math.rint(i.width() * by), (int) Math.rint(i.height() * by)));
        });
    nodes.put(
        "ImageUpscaleWithModel",
        (in, run) -> {
          Value.Image i = in.image("image");
          int by = modelScale(in.opaque("upscale_model").detail());
          return Executed.of(resized(i, i.width() * by, i.height() * by));
        });
    nodes.put(
        "ImageInvert",
        (in, run) -> {
          Value.Image i = in.image("image");
          return Executed.of(
              new Value.Image(i.width(), i.height(), i.batch(), i.picture().inverted()));
        });
    nodes.put(
        "ImageBatch",
        (in, run) -> {
          Value.Image a = in.image("image1");
          Value.Image b = in.image("image2");
          return Executed.of(
              new Value.Image(
                  a.width(),
                  a.height(),
                  a.batch() + b.batch(),
                  Picture.concat(a.picture(), a.batch(), b.picture())));
        });
    nodes.put(
        "ImagePadForOutpaint",
        (in, run) -> {
          Value.Image i = in.image("image");
          int left = in.integer("left");
          int top = in.integer("top");
          int width = i.width() + left + in.integer("right");
          int height = i.height() + top + in.integer("bottom");
          Picture padded = i.picture().padded(i.width(), i.height(), left, top, width, height);
          return Executed.of(
              new Value.Image(width, height, i.batch(), padded), new Value.Mask(width, height, 1));
        });
    nodes.put(
        "ImageCrop",
        (in, run) -> {
          Value.Image i = in.image("image");
          int x = Math.min(in.integer("x"), i.width() - 1);
          int y = Math.min(in.integer("y"), i.height() - 1);
          int w = Math.min(in.integer("width"), i.width() - x);
          int h = Math.min(in.integer("height"), i.height() - y);
          return Executed.of(
              new Value.Image(
                  w, h, i.batch(), i.picture().cropped(i.width(), i.height(), x, y, w, h)));
        });
    nodes.put(
        "EmptyImage",
        (in, run) ->
            Executed.of(
                new Value.Image(
                    in.integer("width"),
                    in.integer("height"),
                    in.integer("batch_size"),
                    Picture.solid(in.integer("color")))));
    nodes.put(
        "RepeatImageBatch",
        (in, run) -> {
          Value.Image i = in.image("image");
          Picture p = i.picture();
          int batch = i.batch();
          return Executed.of(
              new Value.Image(
                  i.width(),
                  i.height(),
                  batch * in.integer("amount"),
                  (index, w, h) -> p.frame(index % batch, w, h)));
        });
    nodes.put(
        "ImageFromBatch",
        (in, run) -> {
          Value.Image i = in.image("image");
          int index = Math.min(i.batch() - 1, in.integer("batch_index"));
          int length = Math.min(i.batch() - index, in.integer("length"));
          return Executed.of(
              new Value.Image(i.width(), i.height(), length, i.picture().from(index)));
        });
  }

  /** ComfyUI's ImageScale: a 0 side keeps the aspect ratio; 0 and 0 keeps the image. */
  private static Executed scale(NodeInputs in, NodeBehaviour.NodeRun run) {
    Value.Image i = in.image("image");
    int width = in.integer("width");
    int height = in.integer("height");
    if (width == 0 && height == 0) {
      return Executed.of(i);
    }
    if (width == 0) {
      width = Math.max(1, (int) Math.rint((double) i.width() * height / i.height()));
    } else if (height == 0) {
      height = Math.max(1, (int) Math.rint((double) i.height() * width / i.width()));
    }
    return Executed.of(resized(i, width, height));
  }

  private static Value.Image resized(Value.Image i, int width, int height) {
    return new Value.Image(width, height, i.batch(), i.picture());
  }

  /** An upscale model's factor from its name (4x-UltraSharp, RealESRGAN_x2plus), else 4. */
  static int modelScale(String modelName) {
    Matcher m = MODEL_SCALE.matcher(modelName.toLowerCase(Locale.ROOT));
    if (m.find()) {
      return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return 4;
  }

  /** An input file as Pillow would open it; failures are the errors ComfyUI raises. */
  private static BufferedImage read(NodeBehaviour.NodeRun run, String name) {
    Path path = run.files().annotated(name);
    if (path == null || !Files.isRegularFile(path)) {
      throw NodeBehaviour.NodeFailure.missingFile(path == null ? Path.of(name) : path);
    }
    try {
      BufferedImage img = ImageIO.read(path.toFile());
      if (img != null) {
        return img;
      }
    } catch (IOException | RuntimeException e) {
      // an undecodable file: handled below like Pillow does
    }
    String file = path.getFileName().toString();
    String ext = file.contains(".") ? file.substring(file.lastIndexOf('.') + 1) : "";
    if (UNREADABLE_HERE.contains(ext.toLowerCase(Locale.ROOT))) {
      return Picture.generated(name).frame(0, 512, 512);
    }
    throw new NodeBehaviour.NodeFailure(
        "PIL.UnidentifiedImageError", "cannot identify image file '" + path + "'");
  }
}
