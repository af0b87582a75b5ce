package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfySession;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.OutputFile;
import io.gpufleet.comfy.ReconnectPolicy;
import io.gpufleet.comfy.RecordingListener;
import io.gpufleet.comfy.UploadedFile;
import io.gpufleet.comfy.workflow.Workflow;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;

/** A simulator, the platform's client on it and a connected session: what the ITs drive. */
final class ComfyRig implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  final ComfySimulator sim;
  final ComfyClient client;
  final RecordingListener events = new RecordingListener();
  final ComfySession session;

  ComfyRig(ComfySimulatorConfig config) throws InterruptedException {
    sim = ComfySimulator.start(config);
    client =
        ComfyClient.builder()
            .baseUrl(sim.baseUrl())
            .reconnect(new ReconnectPolicy(5, Duration.ofMillis(20), Duration.ofMillis(100)))
            .build();
    session = client.connect(events);
    events.awaitConnected(WAIT);
  }

  static ComfyRig fast() throws InterruptedException {
    return new ComfyRig(ComfySimulatorConfig.defaults().withStepsPerSecond(1000));
  }

  /** Submits, waits for the done signal and returns the history entry. */
  HistoryEntry run(String apiJson) throws InterruptedException {
    return run(Workflow.parse(apiJson));
  }

  HistoryEntry run(Workflow workflow) throws InterruptedException {
    UUID id = UUID.randomUUID();
    client.submit(workflow, id, session.clientId());
    events.await(
        ComfyEvent.Executing.class, e -> e.done() && id.toString().equals(e.promptId()), WAIT);
    return client.history(id.toString()).orElseThrow();
  }

  /** Uploads a PNG of that size and answers the value LoadImage takes. */
  String upload(String name, int width, int height) {
    UploadedFile file = client.uploadImage(name, png(width, height), "", true);
    return file.reference();
  }

  static byte[] png(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image a history entry's output file holds, fetched over /view. */
  BufferedImage image(OutputFile file) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(client.view(file).bytes()));
    assertThat(img).as("a decodable image at " + file).isNotNull();
    return img;
  }

  /** The single file of a node's output under {@code key} (images, audio). */
  static OutputFile file(HistoryEntry entry, String node, String key) {
    JsonNode files = entry.outputs().path(node).path(key);
    assertThat(files.size()).as(key + " of node " + node + " in " + entry.outputs()).isEqualTo(1);
    JsonNode f = files.get(0);
    return new OutputFile(
        f.path("filename").asString(), f.path("subfolder").asString(), f.path("type").asString());
  }

  @Override
  public void close() {
    session.close();
    sim.close();
  }
}
