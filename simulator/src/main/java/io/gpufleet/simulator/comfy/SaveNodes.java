package io.gpufleet.simulator.comfy;

import io.gpufleet.simulator.comfy.NodeBehaviour.Executed;
import io.gpufleet.simulator.comfy.NodeBehaviour.NodeFailure;
import io.gpufleet.simulator.comfy.NodeBehaviour.NodeRun;
import java.awt.image.BufferedImage;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The output nodes: files named and reported as ComfyUI's save nodes do ({@code images} with {@code
 * animated} for animations and videos, {@code audio} for sound), PreviewImage and PreviewAudio in
 * temp/, SaveImageWebsocket over the socket only.
 */
final class SaveNodes {
  /** Files a save node writes at most, and the largest side it renders (memory bounds). */
  static final int MAX_FILES = 64;

  static final int MAX_SIDE = 4096;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final JsonMapper ASCII_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final String TEMP_LETTERS = "abcdefghijklmnopqrstupvxyz";

  private SaveNodes() {}

  static void register(Map<String, NodeBehaviour> nodes) {
    nodes.put(
        "SaveImage",
        (in, run) ->
            Executed.ui(
                images(run, in.image("images"), "output", in.string("filename_prefix"), 4)));
    nodes.put(
        "PreviewImage",
        (in, run) -> Executed.ui(images(run, in.image("images"), "temp", tempPrefix(), 1)));
    nodes.put(
        "SaveImageWebsocket",
        (in, run) -> {
          Value.Image images = in.image("images");
          int count = Math.min(MAX_FILES, images.batch());
          for (int i = 0; i < count; i++) {
            run.sendImage(PngWriter.still(frame(images, i), Map.of(), 1), i, images.batch());
          }
          return new Executed(List.of(), null, 0);
        });
    nodes.put(
        "SaveAnimatedWEBP",
        (in, run) -> {
          Value.Image images = in.image("images");
          boolean animated = images.batch() != 1;
          byte[] webp = animated ? MediaFixtures.animatedWebp() : MediaFixtures.stillWebp();
          return Executed.ui(
              animation(run, images, in.string("filename_prefix"), "webp", webp, animated));
        });
    nodes.put(
        "SaveAnimatedPNG",
        (in, run) -> {
          Value.Image images = in.image("images");
          List<BufferedImage> frames = new ArrayList<>();
          for (int i = 0; i < Math.min(MAX_FILES, images.batch()); i++) {
            frames.add(frame(images, i));
          }
          int delay = (int) (1000.0 / Math.max(0.01, in.decimal("fps")));
          byte[] apng = PngWriter.animated(frames, delay, in.integer("compress_level"));
          return Executed.ui(
              animation(run, images, in.string("filename_prefix"), "png", apng, true));
        });
    nodes.put(
        "SaveWEBM",
        (in, run) -> {
          String codec = in.string("codec");
          if (!"vp9".equals(codec) && !"av1".equals(codec)) {
            throw new NodeFailure("KeyError", "'" + codec + "'");
          }
          return Executed.ui(
              animation(
                  run,
                  in.image("images"),
                  in.string("filename_prefix"),
                  "webm",
                  MediaFixtures.webm(),
                  true));
        });
    nodes.put(
        "SaveVideo",
        (in, run) -> {
          String format = in.string("format");
          String codec = in.string("codec");
          if (!"auto".equals(format) && !"mp4".equals(format)) {
            throw new NodeFailure("ValueError", "'" + format + "' is not a valid VideoContainer");
          }
          if (!"auto".equals(codec) && !"h264".equals(codec)) {
            throw new NodeFailure("ValueError", "'" + codec + "' is not a valid VideoCodec");
          }
          return Executed.ui(
              animation(
                  run,
                  in.video("video").frames(),
                  in.string("filename_prefix"),
                  "mp4",
                  MediaFixtures.mp4(),
                  true));
        });
    nodes.put(
        "SaveAudio",
        (in, run) ->
            Executed.ui(
                audio(run, in.audio("audio"), "output", in.string("filename_prefix"), "flac")));
    nodes.put(
        "SaveAudioMP3",
        (in, run) ->
            Executed.ui(
                audio(run, in.audio("audio"), "output", in.string("filename_prefix"), "mp3")));
    nodes.put(
        "SaveAudioOpus",
        (in, run) ->
            Executed.ui(
                audio(run, in.audio("audio"), "output", in.string("filename_prefix"), "opus")));
    nodes.put(
        "PreviewAudio",
        (in, run) -> Executed.ui(audio(run, in.audio("audio"), "temp", tempPrefix(), "flac")));
  }

  /** PreviewImage's and PreviewAudio's names: ComfyUI_temp_ and five random letters. */
  private static String tempPrefix() {
    StringBuilder b = new StringBuilder("ComfyUI_temp_");
    for (int i = 0; i < 5; i++) {
      b.append(TEMP_LETTERS.charAt(ThreadLocalRandom.current().nextInt(TEMP_LETTERS.length())));
    }
    return b.toString();
  }

  private static ObjectNode images(
      NodeRun run, Value.Image images, String type, String prefix, int compressLevel) {
    Map<String, String> text = metadata(run);
    ObjectNode ui = F.objectNode();
    ArrayNode files = ui.putArray("images");
    for (int i = 0; i < Math.min(MAX_FILES, images.batch()); i++) {
      byte[] png = PngWriter.still(frame(images, i), text, compressLevel);
      String name = expand(prefix, images).replace("%batch_num%", Integer.toString(i));
      files.add(saved(run, type, name, "png", png));
    }
    return ui;
  }

  private static ObjectNode animation(
      NodeRun run, Value.Image frames, String prefix, String ext, byte[] bytes, boolean animated) {
    ObjectNode ui = F.objectNode();
    ui.putArray("images").add(saved(run, "output", expand(prefix, frames), ext, bytes));
    ui.putArray("animated").add(animated);
    return ui;
  }

  private static ObjectNode audio(
      NodeRun run, Value.Audio audio, String type, String prefix, String format) {
    ObjectNode ui = F.objectNode();
    ArrayNode files = ui.putArray("audio");
    for (int i = 0; i < Math.min(MAX_FILES, Math.max(1, audio.batch())); i++) {
      String name = prefix.replace("%batch_num%", Integer.toString(i));
      files.add(saved(run, type, name, format, MediaFixtures.audio(format)));
    }
    return ui;
  }

  private static ObjectNode saved(
      NodeRun run, String type, String prefix, String ext, byte[] bytes) {
    String[] where;
    try {
      where = run.files().save(type, prefix, ext, bytes);
    } catch (FileStore.OutsideOutputFolder e) {
      throw new NodeFailure("Exception", e.getMessage());
    }
    return F.objectNode().put("filename", where[1]).put("subfolder", where[0]).put("type", type);
  }

  private static BufferedImage frame(Value.Image images, int index) {
    return images
        .picture()
        .frame(index, Math.min(MAX_SIDE, images.width()), Math.min(MAX_SIDE, images.height()));
  }

  /** The text chunks SaveImage writes: the prompt, and each key of extra_pnginfo. */
  private static Map<String, String> metadata(NodeRun run) {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("prompt", ASCII_JSON.writeValueAsString(run.prompt()));
    if (run.extraPngInfo() != null) {
      run.extraPngInfo()
          .properties()
          .forEach(e -> text.put(e.getKey(), ASCII_JSON.writeValueAsString(e.getValue())));
    }
    return text;
  }

  /** The variables ComfyUI expands in a filename_prefix: %width%, %height%, the date parts. */
  private static String expand(String prefix, Value.Image images) {
    if (!prefix.contains("%")) {
      return prefix;
    }
    LocalDateTime now = LocalDateTime.now();
    return prefix
        .replace("%width%", Integer.toString(images.width()))
        .replace("%height%", Integer.toString(images.height()))
        .replace("%year%", Integer.toString(now.getYear()))
        .replace("%month%", String.format("%02d", now.getMonthValue()))
        .replace("%day%", String.format("%02d", now.getDayOfMonth()))
        .replace("%hour%", String.format("%02d", now.getHour()))
        .replace("%minute%", String.format("%02d", now.getMinute()))
        .replace("%second%", String.format("%02d", now.getSecond()));
  }
}
