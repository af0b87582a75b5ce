package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.OutputFile;
import io.gpufleet.comfy.ViewedFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every output type ComfyUI's core save nodes produce, reported and served like ComfyUI does. */
class ComfyOutputsIT {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static ComfyRig rig;

  @BeforeAll
  static void start() throws InterruptedException {
    rig = ComfyRig.fast();
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static final String FRAMES =
      """
      "4": {"class_type": "CheckpointLoaderSimple",
            "inputs": {"ckpt_name": "v1-5-pruned-emaonly-fp16.safetensors"}},
      "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "waves", "clip": ["4", 1]}},
      "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 96, "height": 64,
            "batch_size": 3}},
      "3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": 4, "cfg": 7.0,
            "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0, "model": ["4", 0],
            "positive": ["6", 0], "negative": ["6", 0], "latent_image": ["5", 0]}},
      "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}}
      """;

  @Test
  void imagesAnimationsAndVideosAreRealFilesOfTheirFormat() throws Exception {
    HistoryEntry entry =
        rig.run(
            "{"
                + FRAMES.formatted(1)
                + """
                ,
                "10": {"class_type": "SaveImage", "inputs": {"images": ["8", 0],
                       "filename_prefix": "stills/frame"}},
                "11": {"class_type": "SaveAnimatedPNG", "inputs": {"images": ["8", 0],
                       "filename_prefix": "apng", "fps": 8.0, "compress_level": 4}},
                "12": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["8", 0],
                       "filename_prefix": "webp", "fps": 8.0, "lossless": true, "quality": 80,
                       "method": "default"}},
                "13": {"class_type": "SaveWEBM", "inputs": {"images": ["8", 0],
                       "filename_prefix": "clip", "codec": "vp9", "fps": 8.0, "crf": 32.0}},
                "14": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 8.0}},
                "15": {"class_type": "SaveVideo", "inputs": {"video": ["14", 0],
                       "filename_prefix": "video/ComfyUI", "format": "auto", "codec": "auto"}}}
                """);

    assertThat(entry.succeeded()).isTrue();
    List<OutputFile> stills = entry.images().get("10");
    assertThat(stills).hasSize(3);
    assertThat(stills.get(0).subfolder()).isEqualTo("stills");
    assertThat(stills.get(0).filename()).isEqualTo("frame_00001_.png");
    ViewedFile still = rig.client.view(stills.get(0));
    assertThat(still.bytes()).startsWith(PNG);
    assertThat(still.contentType()).isEqualTo("image/png");
    assertThat(new String(still.bytes(), StandardCharsets.ISO_8859_1))
        .as("SaveImage writes the prompt into a tEXt chunk")
        .contains("tEXtprompt\0{");
    assertThat(rig.image(stills.get(0)).getWidth()).isEqualTo(96);

    ViewedFile apng = view(entry, "11", "image/png");
    assertThat(apng.bytes()).startsWith(PNG);
    assertThat(actlFrames(apng.bytes())).as("acTL frame count").isEqualTo(3);
    assertThat(entry.outputs().path("11").path("animated").get(0).asBoolean()).isTrue();

    ViewedFile webp = view(entry, "12", "image/webp");
    assertThat(ascii(webp.bytes(), 0, 4)).isEqualTo("RIFF");
    assertThat(ascii(webp.bytes(), 8, 4)).isEqualTo("WEBP");
    assertThat(ascii(webp.bytes(), 0, webp.bytes().length)).contains("ANIM");
    assertThat(entry.outputs().path("12").path("animated").get(0).asBoolean()).isTrue();

    ViewedFile webm = view(entry, "13", "video/webm");
    assertThat(webm.bytes()).startsWith(0x1a, 0x45, 0xdf, 0xa3);
    assertThat(ascii(webm.bytes(), 0, 64)).contains("webm");
    assertThat(entry.outputs().path("13").path("animated").get(0).asBoolean()).isTrue();

    ViewedFile mp4 = view(entry, "15", "video/mp4");
    assertThat(ascii(mp4.bytes(), 4, 4)).isEqualTo("ftyp");
    OutputFile video = ComfyRig.file(entry, "15", "images");
    assertThat(video.subfolder()).isEqualTo("video");
    assertThat(video.filename()).isEqualTo("ComfyUI_00001_.mp4");
    assertThat(entry.outputs().path("15").path("animated").get(0).asBoolean()).isTrue();
  }

  @Test
  void soundIsReportedUnderAudioInFlacMp3AndOpus() throws Exception {
    HistoryEntry entry =
        rig.run(
            """
            {"4": {"class_type": "CheckpointLoaderSimple",
                   "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "rain", "clip": ["4", 1]}},
             "5": {"class_type": "EmptyLatentAudio", "inputs": {"seconds": 3.0, "batch_size": 1}},
             "3": {"class_type": "KSampler", "inputs": {"seed": 2, "steps": 5, "cfg": 5.0,
                   "sampler_name": "euler", "scheduler": "normal", "denoise": 1.0,
                   "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0],
                   "latent_image": ["5", 0]}},
             "7": {"class_type": "VAEDecodeAudio", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
             "10": {"class_type": "SaveAudio", "inputs": {"audio": ["7", 0],
                    "filename_prefix": "audio/ComfyUI"}},
             "11": {"class_type": "SaveAudioMP3", "inputs": {"audio": ["7", 0],
                    "filename_prefix": "audio/ComfyUI", "quality": "V0"}},
             "12": {"class_type": "SaveAudioOpus", "inputs": {"audio": ["7", 0],
                    "filename_prefix": "audio/ComfyUI", "quality": "128k"}},
             "13": {"class_type": "PreviewAudio", "inputs": {"audio": ["7", 0]}}}
            """);

    assertThat(entry.succeeded()).isTrue();
    for (String node : List.of("10", "11", "12", "13")) {
      assertThat(entry.outputs().path(node).has("images"))
          .as("node " + node + " reports its sound under audio, not images")
          .isFalse();
    }
    assertThat(entry.images()).as("every output file, whatever its kind").hasSize(4);
    OutputFile flac = ComfyRig.file(entry, "10", "audio");
    assertThat(flac.subfolder()).isEqualTo("audio");
    assertThat(flac.filename()).isEqualTo("ComfyUI_00001_.flac");
    assertThat(ascii(audio(entry, "10", "audio/flac").bytes(), 0, 4)).isEqualTo("fLaC");
    assertThat(ComfyRig.file(entry, "11", "audio").filename())
        .as("one counter per prefix, whatever the extension")
        .isEqualTo("ComfyUI_00002_.mp3");
    byte[] mp3 = audio(entry, "11", "audio/mpeg").bytes();
    assertThat(ascii(mp3, 0, 3).equals("ID3") || (mp3[0] & 0xff) == 0xff && (mp3[1] & 0xe0) == 0xe0)
        .as("an ID3 tag or an MPEG frame sync")
        .isTrue();
    byte[] opus = audio(entry, "12", "audio/ogg").bytes();
    assertThat(ascii(opus, 0, 4)).isEqualTo("OggS");
    assertThat(ascii(opus, 0, 64)).contains("OpusHead");
    OutputFile preview = ComfyRig.file(entry, "13", "audio");
    assertThat(preview.type()).isEqualTo("temp");
    assertThat(preview.filename()).matches("ComfyUI_temp_[a-z]{5}_00001_\\.flac");
    assertThat(ascii(rig.client.view(preview).bytes(), 0, 4)).isEqualTo("fLaC");
  }

  @Test
  void previewImageWritesToTempAndReportsTypeTemp() throws Exception {
    HistoryEntry entry =
        rig.run(
            "{"
                + FRAMES.formatted(3)
                + ", \"9\": {\"class_type\": \"PreviewImage\", \"inputs\": {\"images\": [\"8\", 0]}}}");

    List<OutputFile> previews = entry.images().get("9");
    assertThat(previews).hasSize(3);
    for (OutputFile f : previews) {
      assertThat(f.type()).isEqualTo("temp");
      assertThat(f.subfolder()).isEmpty();
      assertThat(f.filename()).matches("ComfyUI_temp_[a-z]{5}_\\d{5}_\\.png");
      assertThat(rig.image(f).getWidth()).isEqualTo(96);
    }
    ComfyEvent.Executed executed =
        rig.events.seen.stream()
            .filter(e -> e instanceof ComfyEvent.Executed)
            .map(e -> (ComfyEvent.Executed) e)
            .filter(e -> e.promptId().equals(entry.promptId()))
            .findFirst()
            .orElseThrow();
    assertThat(executed.output())
        .as("executed reports what history keeps")
        .isEqualTo(entry.outputs().path("9"));
    assertThat(rig.sim.dataDir().resolve("temp").resolve(previews.get(0).filename())).exists();
  }

  @Test
  void saveImageWebsocketSendsEveryImageAsABinaryPngFrameAndSavesNothing() throws Exception {
    UUID id = UUID.randomUUID();
    String prompt =
        "{"
            + FRAMES.formatted(4)
            + ", \"9\": {\"class_type\": \"SaveImageWebsocket\", \"inputs\": {\"images\": [\"8\", 0]}}}";
    rig.client.submit(
        io.gpufleet.comfy.workflow.Workflow.parse(prompt), id, rig.session.clientId());
    List<ComfyEvent.Preview> pngs = new ArrayList<>();
    while (pngs.size() < 3) {
      ComfyEvent.Preview p =
          rig.events.await(
              ComfyEvent.Preview.class, e -> "image/png".equals(e.mediaType()), ComfyRig.WAIT);
      pngs.add(p);
    }
    rig.events.await(
        ComfyEvent.Executing.class,
        e -> e.done() && id.toString().equals(e.promptId()),
        ComfyRig.WAIT);

    for (ComfyEvent.Preview p : pngs) {
      assertThat(p.promptId()).isEqualTo(id.toString());
      assertThat(p.nodeId()).isEqualTo("9");
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(p.image()));
      assertThat(img.getWidth()).as("full size, not a preview").isEqualTo(96);
      assertThat(img.getHeight()).isEqualTo(64);
    }
    HistoryEntry entry = rig.client.history(id.toString()).orElseThrow();
    assertThat(entry.succeeded()).isTrue();
    assertThat(entry.outputs().has("9")).as("no UI output, so nothing in history").isFalse();
  }

  @Test
  void aClientWithoutPreviewMetadataGetsTypeOneFramesWithThePngFormat() throws Exception {
    OkHttpClient http = new OkHttpClient();
    BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    String clientId = "raw-" + UUID.randomUUID();
    WebSocket socket =
        http.newWebSocket(
            new Request.Builder()
                .url(rig.sim.baseUrl().replace("http", "ws") + "/ws?clientId=" + clientId)
                .build(),
            new WebSocketListener() {
              @Override
              public void onMessage(WebSocket ws, ByteString bytes) {
                frames.add(bytes.toByteArray());
              }

              @Override
              public void onMessage(WebSocket ws, String text) {
                texts.add(text);
              }

              @Override
              public void onFailure(WebSocket ws, Throwable t, Response r) {
                texts.add("failure: " + t);
              }
            });
    try {
      assertThat(texts.poll(10, TimeUnit.SECONDS)).contains("\"sid\"");
      String prompt =
          "{"
              + FRAMES.formatted(5)
              + ", \"9\": {\"class_type\": \"SaveImageWebsocket\", \"inputs\": {\"images\": [\"8\", 0]}}}";
      rig.client.submit(
          io.gpufleet.comfy.workflow.Workflow.parse(prompt), UUID.randomUUID(), clientId);

      List<byte[]> pngFrames = new ArrayList<>();
      while (pngFrames.size() < 3) {
        byte[] frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a binary frame").isNotNull();
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(b.getInt()).as("event type PREVIEW_IMAGE").isEqualTo(1);
        if (b.getInt() == 2) {
          pngFrames.add(frame);
        }
      }
      for (byte[] frame : pngFrames) {
        byte[] image = java.util.Arrays.copyOfRange(frame, 8, frame.length);
        assertThat(image).startsWith(PNG);
        assertThat(ImageIO.read(new ByteArrayInputStream(image)).getWidth()).isEqualTo(96);
      }
    } finally {
      socket.close(1000, "done");
      http.dispatcher().executorService().shutdown();
    }
  }

  private static ViewedFile view(HistoryEntry entry, String node, String contentType) {
    ViewedFile file = rig.client.view(ComfyRig.file(entry, node, "images"));
    assertThat(file.contentType()).isEqualTo(contentType);
    return file;
  }

  private static ViewedFile audio(HistoryEntry entry, String node, String contentType) {
    ViewedFile file = rig.client.view(ComfyRig.file(entry, node, "audio"));
    assertThat(file.contentType()).isEqualTo(contentType);
    return file;
  }

  private static String ascii(byte[] bytes, int from, int length) {
    return new String(
        bytes, from, Math.min(length, bytes.length - from), StandardCharsets.ISO_8859_1);
  }

  /** num_frames of the acTL chunk, which must come before the first IDAT. */
  private static int actlFrames(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    int at = 8;
    while (at + 8 <= png.length) {
      int length = b.getInt(at);
      String type = ascii(png, at + 4, 4);
      if ("acTL".equals(type)) {
        return b.getInt(at + 8);
      }
      if ("IDAT".equals(type)) {
        return -1;
      }
      at += 12 + length;
    }
    return -1;
  }
}
