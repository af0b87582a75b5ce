package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's build step run for real on the jar the build made (after {@code package}, hence
 * Failsafe): Spring Boot's tools extract the layers the Dockerfile copies, and together they hold
 * the launcher its ENTRYPOINT starts and the application that launcher finds.
 */
class ImageLayersIT {

  static final Path JAR = Repo.path(ImageTest.JAR);

  @Test
  void theJarsLayersAreTheOnesTheDockerfileCopies() throws IOException {
    assertThat(JAR).as("the build's jar (./mvnw package)").isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String index;
      try (InputStream in = jar.getInputStream(jar.getEntry("BOOT-INF/layers.idx"))) {
        index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      List<String> layers =
          index
              .lines()
              .filter(l -> l.startsWith("- \""))
              .map(l -> l.substring(3, l.lastIndexOf('"')))
              .toList();
      assertThat(layers).containsExactlyElementsOf(Dockerfile.LAYERS);
    }
  }

  @Test
  void theDockerfilesExtractGivesARunnableApplication(@TempDir Path build) throws Exception {
    Files.copy(JAR, build.resolve("application.jar"));
    String extract = Dockerfile.read().all("RUN").get(0).arguments();
    List<String> command = new ArrayList<>(List.of(extract.split(" ")));
    assertThat(command.get(0)).isEqualTo("java");
    command.set(0, ProcessHandle.current().info().command().orElse("java"));
    Process process =
        new ProcessBuilder(command)
            .directory(build.toFile())
            .redirectErrorStream(true)
            .redirectOutput(build.resolve("extract.log").toFile())
            .start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the extract finishes").isTrue();
    assertThat(process.exitValue()).as(Files.readString(build.resolve("extract.log"))).isZero();

    Path extracted = build.resolve("extracted");
    for (String layer : Dockerfile.LAYERS) {
      assertThat(extracted.resolve(layer)).as("layer %s", layer).isDirectory();
    }
    assertThat(
            extracted.resolve(
                "spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class"))
        .as("the ENTRYPOINT's launcher")
        .isRegularFile();
    Path manifestFile = extracted.resolve("application/META-INF/MANIFEST.MF");
    Manifest manifest;
    try (InputStream in = Files.newInputStream(manifestFile)) {
      manifest = new Manifest(in);
    }
    String start = manifest.getMainAttributes().getValue("Start-Class");
    assertThat(start).isEqualTo("io.gpufleet.api.GpuFleetApplication");
    assertThat(
            extracted.resolve("application/BOOT-INF/classes/" + start.replace('.', '/') + ".class"))
        .isRegularFile();
    assertThat(extracted.resolve("application/BOOT-INF/classpath.idx")).isRegularFile();
    try (Stream<Path> libraries = Files.list(extracted.resolve("dependencies/BOOT-INF/lib"))) {
      assertThat(libraries.map(p -> p.getFileName().toString()))
          .anyMatch(name -> name.startsWith("spring-boot-"))
          .anyMatch(name -> name.startsWith("postgresql-"));
    }
    // every jar the launcher's classpath index names is in one of the layers
    for (String line :
        Files.readAllLines(extracted.resolve("application/BOOT-INF/classpath.idx"))) {
      String entry = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
      assertThat(Dockerfile.LAYERS.stream().map(l -> extracted.resolve(l).resolve(entry)))
          .as(entry)
          .anyMatch(Files::isRegularFile);
    }
  }
}
