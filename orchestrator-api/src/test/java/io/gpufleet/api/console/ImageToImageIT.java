package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A newcomer to a sandbox runs the shipped image-to-image workflow from the console: rents a
 * server, picks a photo in the generation form (uploaded at once), generates, and sees the result.
 */
class ImageToImageIT extends ConsoleTestBase {

  @Test
  void anUploadedPhotoRunsThroughTheShippedImageToImageWorkflowToAResult() throws IOException {
    String server = createServer(uniqueName("i2i"), true);
    Path photo = Files.createTempFile("pet-", ".png");
    writePhoto(photo, 320, 240);
    awaitHealthy(server);

    logIn();
    navLink("Generations").click();
    page.getByRole(
            AriaRole.LINK,
            new com.microsoft.playwright.Page.GetByRoleOptions().setName("New generation"))
        .click();
    assertThat(heading("New generation")).isVisible();
    page.getByLabel("Workflow").selectOption(new SelectOption().setLabel("SD image-to-image"));
    assertThat(page.locator("input[data-image='10/image']")).isVisible();
    page.locator("input[data-image='10/image']").setInputFiles(photo);
    assertThat(page.locator("[data-input='10/image']"))
        .hasAttribute("data-uploaded", Pattern.compile("upload:.+"));
    assertThat(page.locator("[data-input='10/image'] [data-upload-state]"))
        .containsText("Uploaded");
    page.locator("[data-input='6/text'] textarea").fill("the same cat as a watercolour");
    button("Generate").click();

    assertThat(page.locator("#gen-head [data-status]"))
        .hasAttribute(
            "data-status",
            "COMPLETED",
            new LocatorAssertions.HasAttributeOptions().setTimeout(90_000));
    assertThat(page.locator("#gen-outputs img")).hasCount(1);
    String id = page.url().replaceAll(".*#/generations/", "");
    JsonNode done = awaitFinalGeneration(id);
    assertThat(done.path("inputs").path("6/text").asString())
        .isEqualTo("the same cat as a watercolour");
    assertThat(done.path("inputs").path("10/image").asString()).startsWith("upload:");
    HttpResponse<byte[]> png =
        send(
            request(done.path("outputs").get(0).path("url").asString())
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    BufferedImage out = ImageIO.read(new ByteArrayInputStream(png.body()));
    assertThat(out.getWidth()).as("image-to-image keeps the photo's size").isEqualTo(320);
    assertThat(out.getHeight()).isEqualTo(240);
  }

  private static void writePhoto(Path file, int width, int height) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(70, 120, 200));
      g.fillRect(0, 0, width, height);
      g.setColor(Color.ORANGE);
      g.fillOval(width / 4, height / 4, width / 2, height / 2);
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", file.toFile());
  }
}
