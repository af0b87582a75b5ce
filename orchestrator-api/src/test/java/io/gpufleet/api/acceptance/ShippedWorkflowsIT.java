package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every workflow the platform ships (the ones stored at startup, and the benchmark's) runs end to
 * end on a server rented from the sandbox: submitted with its designated inputs (a real PNG
 * uploaded for each image input), and its outputs are as many, of the type and of the size the
 * graph says.
 */
class ShippedWorkflowsIT extends AcceptanceTest {

  /** Shipped outside this module: the load driver's copy of the text-to-image workflow. */
  private static final Path BENCHMARK_WORKFLOWS = Path.of("../benchmarks/src/main/resources");

  @Test
  void everyShippedWorkflowRunsWithItsDesignatedInputsAndItsOutputsFollowTheGraph()
      throws IOException {
    List<JsonNode> shipped = shippedWorkflows();
    assertThat(shipped).extracting(d -> d.path("name").asString()).contains("SD image-to-image");
    String server = rentAndSetUp("shipped");
    TestUser user = userWithRoom();

    Map<String, String> ids = new LinkedHashMap<>();
    for (JsonNode doc : shipped) {
      ids.put(doc.path("name").asString(), stored(doc));
    }
    List<String[]> runs = new ArrayList<>();
    Map<String, int[]> uploads = new LinkedHashMap<>();
    for (Map.Entry<String, String> w : ids.entrySet()) {
      JsonNode inputs = json(get("/api/v1/workflows/" + w.getValue() + "/inputs", user.key()));
      ObjectNode given = JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> input : inputs.properties()) {
        String key = input.getKey();
        String type = input.getValue().path("type").asString();
        if (type.equals("IMAGE")) {
          // a size of its own per upload, so that each output shows which photo it came from
          int[] size = {320 + 16 * uploads.size(), 208};
          String upload =
              json(upload(user.key(), "photo.png", png(size[0], size[1]), null))
                  .path("id")
                  .asString();
          uploads.put(upload, size);
          given.put(key, "upload:" + upload);
        } else if (key.endsWith("/width")) {
          given.put(key, 384);
        } else if (key.endsWith("/height")) {
          given.put(key, 256);
        } else if (key.endsWith("/steps")) {
          given.put(key, 3);
        }
      }
      JsonNode created =
          submit(
              user.key(),
              "{\"workflowId\":\""
                  + w.getValue()
                  + "\",\"serverId\":\""
                  + server
                  + "\",\"inputs\":"
                  + given
                  + "}");
      runs.add(new String[] {w.getKey(), created.path("id").asString()});
    }

    for (String[] run : runs) {
      JsonNode done = awaitFinal(user.key(), run[1]);
      assertThat(done.path("status").asString()).as(run[0] + ": " + done).isEqualTo("COMPLETED");
      JsonNode graph = json(get("/api/v1/generations/" + run[1] + "/workflow", user.key()));
      List<int[]> expected = expectedImages(graph, uploads);
      assertThat(done.path("outputs").size()).as(run[0] + " outputs").isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        JsonNode output = done.path("outputs").get(i);
        assertThat(output.path("contentType").asString()).isEqualTo("image/png");
        Download file = download(user.key(), output.path("url").asString());
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.contentType()).startsWith("image/png");
        BufferedImage image = file.image();
        assertThat(new int[] {image.getWidth(), image.getHeight()})
            .as(run[0] + " output " + i + " size")
            .containsExactly(expected.get(i));
      }
    }
  }

  // --- what ships

  private static List<JsonNode> shippedWorkflows() throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    for (Resource r :
        new PathMatchingResourcePatternResolver().getResources("classpath*:workflows/*.json")) {
      try (InputStream in = r.getInputStream()) {
        docs.add(JSON.readTree(in));
      }
    }
    try (Stream<Path> files = Files.list(BENCHMARK_WORKFLOWS)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        docs.add(JSON.readTree(Files.readString(p)));
      }
    }
    return docs;
  }

  /** The stored workflow of that name (the same graph), or the document stored now. */
  private String stored(JsonNode doc) {
    String name = doc.path("name").asString();
    for (JsonNode w : json(get("/api/v1/workflows", ADMIN_KEY))) {
      if (name.equals(w.path("name").asString())) {
        String id = w.path("id").asString();
        assertThat(json(get("/api/v1/workflows/" + id, ADMIN_KEY)).path("workflow"))
            .as("the stored '" + name + "' is the graph shipped")
            .isEqualTo(doc.path("workflow"));
        return id;
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("name", name);
    body.put("description", doc.path("description").asString(""));
    body.set("workflow", doc.path("workflow"));
    var created = post("/api/v1/workflows", ADMIN_KEY, body.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  // --- the sizes the graph gives

  /** Width and height of every image the graph saves, in node order, batches unrolled. */
  private static List<int[]> expectedImages(JsonNode graph, Map<String, int[]> uploads) {
    List<int[]> out = new ArrayList<>();
    List<String> ids = new ArrayList<>(graph.propertyNames());
    ids.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    for (String id : ids) {
      if (graph.path(id).path("class_type").asString().equals("SaveImage")) {
        int[] size = size(graph, graph.path(id).path("inputs").path("images"), uploads);
        for (int i = 0; i < size[2]; i++) {
          out.add(new int[] {size[0], size[1]});
        }
      }
    }
    return out;
  }

  /**
   * {width, height, batch} of the image or latent a link points at, by ComfyUI's rules for the node
   * classes the shipped workflows use; a new class fails here so that this test learns it.
   */
  private static int[] size(JsonNode graph, JsonNode link, Map<String, int[]> uploads) {
    JsonNode node = graph.path(link.get(0).asString());
    JsonNode in = node.path("inputs");
    String type = node.path("class_type").asString();
    switch (type) {
      case "VAEDecode":
        return size(graph, in.path("samples"), uploads);
      case "VAEEncode":
        return size(graph, in.path("pixels"), uploads);
      case "KSampler":
        return size(graph, in.path("latent_image"), uploads);
      case "EmptyLatentImage":
        // latents are 1/8 of the picture: sizes are multiples of 8
        return new int[] {
          in.path("width").asInt() / 8 * 8,
          in.path("height").asInt() / 8 * 8,
          in.path("batch_size").asInt(1)
        };
      case "LoadImage":
        {
          String value = in.path("image").asString();
          assertThat(value).as("the image input is an upload").startsWith("upload:");
          int[] size = uploads.get(value.substring("upload:".length()));
          assertThat(size).as("an upload of this test").isNotNull();
          return new int[] {size[0], size[1], 1};
        }
      default:
        throw new AssertionError("teach ShippedWorkflowsIT the size rule of " + type);
    }
  }
}
