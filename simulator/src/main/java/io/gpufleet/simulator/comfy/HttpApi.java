package io.gpufleet.simulator.comfy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** ComfyUI's HTTP routes, each also under /api. */
final class HttpApi extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  static final long MAX_BODY = 100L * 1024 * 1024;

  private final ComfySimulator sim;

  HttpApi(ComfySimulator sim) {
    this.sim = sim;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (path.startsWith("/api/")) {
      path = path.substring(4);
    }
    Exchange ex = new Exchange(request, response, callback, path);
    try {
      if (request.getLength() > MAX_BODY) {
        ex.text(413, "413: Request Entity Too Large");
      } else if (path.startsWith("/_sim/")) {
        new AdminRoutes(sim).handle(ex);
      } else {
        route(ex);
      }
    } catch (Exchange.Status s) {
      ex.text(s.code, s.getMessage());
    } catch (RuntimeException e) {
      log.warn("simulated ComfyUI failed on {} {}", request.getMethod(), path, e);
      ex.text(500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
    return true;
  }

  private void route(Exchange ex) {
    String p = ex.path;
    boolean get = "GET".equals(ex.method());
    boolean post = "POST".equals(ex.method());
    if ("OPTIONS".equals(ex.method())) {
      ex.empty();
    } else if (p.equals("/prompt") && post) {
      submit(ex);
    } else if (p.equals("/prompt") && get) {
      ObjectNode body = Exchange.MAPPER.createObjectNode();
      body.putObject("exec_info").put("queue_remaining", sim.queue.remaining());
      ex.json(200, body);
    } else if (p.equals("/queue") && get) {
      ex.json(200, sim.queue.queueJson());
    } else if (p.equals("/queue") && post) {
      JsonNode body = ex.jsonBody();
      if (body.path("clear").asBoolean(false) && sim.queue.clearPending()) {
        sim.hub.broadcastStatus();
      }
      if (body.has("delete") && sim.queue.deletePending(strings(body.get("delete")))) {
        sim.hub.broadcastStatus();
      }
      ex.empty();
    } else if (p.equals("/history") && get) {
      ex.json(200, sim.queue.historyJson(intParam(ex, "max_items"), intParam(ex, "offset")));
    } else if (p.startsWith("/history/") && get) {
      String id = p.substring("/history/".length());
      ObjectNode out = Exchange.MAPPER.createObjectNode();
      ObjectNode entry = sim.queue.history(id);
      if (entry != null) {
        out.set(id, entry);
      }
      ex.json(200, out);
    } else if (p.equals("/history") && post) {
      JsonNode body = ex.jsonBody();
      if (body.path("clear").asBoolean(false)) {
        sim.queue.clearHistory();
      }
      if (body.has("delete")) {
        sim.queue.deleteHistory(strings(body.get("delete")));
      }
      ex.empty();
    } else if (p.equals("/interrupt") && post) {
      String target = null;
      try {
        JsonNode body = Exchange.MAPPER.readTree(ex.bodyBytes());
        if (body != null && body.path("prompt_id").isString()) {
          target = body.path("prompt_id").asString();
        }
      } catch (RuntimeException ignored) {
        // an empty or broken body means a global interrupt
      }
      sim.runner.interrupt(target);
      ex.empty();
    } else if (p.equals("/free") && post) {
      JsonNode body = ex.jsonBody();
      boolean freeMemory = body.path("free_memory").asBoolean(false);
      sim.runner.requestFree(freeMemory);
      if (freeMemory && sim.queue.running() == null) {
        sim.runner.forgetCache();
      }
      ex.empty();
    } else if (p.equals("/view") && get) {
      view(ex);
    } else if ((p.equals("/upload/image") || p.equals("/upload/mask")) && post) {
      upload(ex, p.endsWith("mask"));
    } else if (p.equals("/object_info") && get) {
      ex.json(200, sim.catalog.objectInfo());
    } else if (p.startsWith("/object_info/") && get) {
      ex.json(200, sim.catalog.objectInfo(p.substring("/object_info/".length())));
    } else if (p.equals("/system_stats") && get) {
      ex.json(200, sim.systemStats());
    } else if (p.equals("/features") && get) {
      ex.json(200, sim.features());
    } else if (p.equals("/models") && get) {
      ex.json(200, array(sim.models.folders()));
    } else if (p.startsWith("/models/") && get) {
      String folder = p.substring("/models/".length());
      if (!sim.models.knowsFolder(folder)) {
        ex.text(404, "404: Not Found");
      } else {
        ex.json(200, array(sim.models.files(folder)));
      }
    } else if (p.equals("/embeddings") && get) {
      List<String> names = new ArrayList<>();
      sim.models
          .files("embeddings")
          .forEach(n -> names.add(n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n));
      ex.json(200, array(names));
    } else if (p.equals("/extensions") && get) {
      ex.json(200, Exchange.MAPPER.createArrayNode());
    } else {
      ex.text(404, "404: Not Found");
    }
  }

  private void submit(Exchange ex) {
    long arrivedNanos = System.nanoTime();
    Instant arrived = Instant.now();
    JsonNode body = ex.jsonBody();
    BigDecimal number;
    if (body.path("number").isNumber()) {
      number =
          body.path("number")
              .decimalValue()
              .setScale(Math.max(1, body.path("number").decimalValue().scale()));
    } else {
      long counter = sim.queue.nextCounter();
      number = BigDecimal.valueOf(body.path("front").asBoolean(false) ? -counter : counter);
    }
    JsonNode prompt = body.get("prompt");
    if (prompt == null || !prompt.isObject()) {
      ObjectNode err = Exchange.MAPPER.createObjectNode();
      err.putObject("error")
          .put("type", "no_prompt")
          .put("message", "No prompt provided")
          .put("details", "No prompt provided")
          .putObject("extra_info");
      err.putObject("node_errors");
      ex.json(400, err);
      return;
    }
    PromptValidator.Result result =
        sim.validator.validate(prompt, body.get("partial_execution_targets"));
    if (result.error() != null) {
      ex.json(400, result.error());
      return;
    }
    JsonNode idNode = body.get("prompt_id");
    String promptId =
        idNode != null && idNode.isString() ? idNode.asString() : UUID.randomUUID().toString();
    ObjectNode extra =
        body.path("extra_data").isObject()
            ? (ObjectNode) body.get("extra_data").deepCopy()
            : Exchange.MAPPER.createObjectNode();
    String clientId = body.path("client_id").isString() ? body.path("client_id").asString() : null;
    if (clientId != null) {
      extra.put("client_id", clientId);
    }
    sim.promptReceived(promptId, prompt, arrived, arrivedNanos);
    PromptQueue.Job job =
        new PromptQueue.Job(number, promptId, prompt, extra, result.outputs(), clientId);
    sim.queue.enqueue(job);
    sim.runLog.received(job);
    sim.hub.broadcastStatus();
    sim.runner.kick();
    ObjectNode out = Exchange.MAPPER.createObjectNode();
    out.put("prompt_id", promptId);
    if (number.scale() > 0) {
      out.put("number", number.doubleValue());
    } else {
      out.put("number", number.longValue());
    }
    out.set("node_errors", result.nodeErrors());
    ex.json(200, out);
  }

  private void view(Exchange ex) {
    String filename = ex.param("filename");
    if (filename == null) {
      ex.text(404, "404: Not Found");
      return;
    }
    String type = ex.param("type") == null ? "output" : ex.param("type");
    for (String t : List.of("output", "input", "temp")) {
      if (filename.endsWith(" [" + t + "]")) {
        type = t;
        filename = filename.substring(0, filename.length() - t.length() - 3);
      }
    }
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
      ex.text(400, "400: Bad Request");
      return;
    }
    Path base = sim.files.base(type);
    if (base == null) {
      ex.text(400, "400: Bad Request");
      return;
    }
    String subfolder = ex.param("subfolder") == null ? "" : ex.param("subfolder");
    Path dir = FileStore.inside(base, subfolder);
    if (dir == null) {
      ex.text(403, "403: Forbidden");
      return;
    }
    Path file = dir.resolve(Path.of(filename).getFileName().toString());
    if (!Files.isRegularFile(file)) {
      ex.text(404, "404: Not Found");
      return;
    }
    String contentType = contentType(file.getFileName().toString());
    ex.response
        .getHeaders()
        .put(HttpHeader.CONTENT_DISPOSITION, "filename=\"" + file.getFileName() + "\"");
    ex.bytes(200, contentType, FileStore.read(file));
  }

  /**
   * What ComfyUI on a Linux host answers (Python's mimetypes with /etc/mime.types): the types of
   * every output format, html/js/css forced to download, anything unknown as octet-stream.
   */
  static String contentType(String filename) {
    String ext =
        filename.contains(".")
            ? filename.substring(filename.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT)
            : "";
    switch (ext) {
      case "png":
        return "image/png";
      case "jpg":
      case "jpeg":
        return "image/jpeg";
      case "webp":
        return "image/webp";
      case "gif":
        return "image/gif";
      case "bmp":
        return "image/bmp";
      case "flac":
        return "audio/flac";
      case "mp3":
        return "audio/mpeg";
      case "opus":
      case "ogg":
        return "audio/ogg";
      case "wav":
        return "audio/x-wav";
      case "webm":
        return "video/webm";
      case "mp4":
        return "video/mp4";
      case "json":
        return "application/json";
      case "txt":
        return "text/plain";
      case "svg":
        return "image/svg+xml";
      default:
        return "application/octet-stream";
    }
  }

  private void upload(Exchange ex, boolean mask) {
    Map<String, Multipart.Part> form =
        Multipart.parse(ex.request.getHeaders().get(HttpHeader.CONTENT_TYPE), ex.bodyBytes());
    Multipart.Part image = form.get("image");
    if (image == null || image.filename() == null || image.filename().isEmpty()) {
      ex.text(400, "400: Bad Request");
      return;
    }
    String type = form.containsKey("type") ? form.get("type").text() : "input";
    Path base = sim.files.base(type.isEmpty() ? "input" : type);
    if (base == null) {
      throw new Exchange.Status(500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
    String subfolder = form.containsKey("subfolder") ? form.get("subfolder").text() : "";
    String overwriteText = form.containsKey("overwrite") ? form.get("overwrite").text() : "";
    boolean overwrite = "true".equals(overwriteText) || "1".equals(overwriteText);
    Path dir = FileStore.inside(base, subfolder);
    String name = image.filename();
    if (dir == null
        || name.contains("/")
        || name.contains("\\")
        || name.contains("..")
        || FileStore.inside(dir, name) == null) {
      ex.text(400, "400: Bad Request");
      return;
    }
    byte[] content = image.content();
    if (mask && form.containsKey("original_ref")) {
      content = applyMask(form.get("original_ref").text(), content);
    }
    String stored = sim.files.upload(dir, name, content, overwrite);
    ObjectNode out = Exchange.MAPPER.createObjectNode();
    out.put("name", stored)
        .put("subfolder", subfolder)
        .put("type", type.isEmpty() ? "input" : type);
    ex.json(200, out);
  }

  /** Copies the mask's alpha onto the original image (ComfyUI's /upload/mask). */
  private byte[] applyMask(String originalRef, byte[] maskPng) {
    try {
      JsonNode ref = Exchange.MAPPER.readTree(originalRef);
      Path base = sim.files.base(ref.path("type").asString("input"));
      Path dir = FileStore.inside(base, ref.path("subfolder").asString(""));
      if (dir == null) {
        return maskPng;
      }
      Path original =
          dir.resolve(Path.of(ref.path("filename").asString("")).getFileName().toString());
      BufferedImage img = ImageIO.read(original.toFile());
      BufferedImage maskImg = ImageIO.read(new ByteArrayInputStream(maskPng));
      if (img == null || maskImg == null) {
        return maskPng;
      }
      BufferedImage out =
          new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int alpha =
              x < maskImg.getWidth() && y < maskImg.getHeight()
                  ? (maskImg.getRGB(x, y) >>> 24)
                  : 255;
          out.setRGB(x, y, (alpha << 24) | (img.getRGB(x, y) & 0xffffff));
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(out, "png", bytes);
      return bytes.toByteArray();
    } catch (IOException | RuntimeException e) {
      // ComfyUI does not surface errors of the mask merge in the status either.
      return maskPng;
    }
  }

  private static @Nullable Integer intParam(Exchange ex, String name) {
    String v = ex.param(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new Exchange.Status(500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString("")));
    return out;
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = Exchange.MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }
}
