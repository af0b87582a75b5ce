package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled "Install Ollama" script, read as text and checked by bash; it is not run here. */
class InstallOllamaScriptTest {

  private final String script = SetupScripts.load(SetupScripts.INSTALL_OLLAMA);

  @Test
  void itBindsOllamaToAllInterfacesOnItsPortAndWaitsForTheVersionEndpoint() {
    assertThat(script)
        .contains("OLLAMA_HOST=\"${OLLAMA_HOST:-0.0.0.0:11434}\"")
        .contains("https://ollama.com/install.sh")
        .contains("/api/version")
        .contains("OLLAMA_MODELS_TO_PULL")
        .contains("ollama pull");
  }

  @Test
  void itsStepMarkersCountFromOneToTheTotalItAnnounces() {
    List<String> markers =
        script
            .lines()
            .filter(l -> l.strip().startsWith("step "))
            .map(l -> l.strip().replaceFirst("^step (\\d+) \"(.*)\"$", "##STEP $1/4 $2"))
            .toList();

    assertThat(script).contains("STEPS=4");
    assertThat(markers).hasSize(4);
    for (int i = 0; i < markers.size(); i++) {
      Optional<StepMarkers.Step> step = StepMarkers.parse(markers.get(i));
      assertThat(step).as(markers.get(i)).isPresent();
      assertThat(step.get().number()).isEqualTo(i + 1);
    }
  }

  /**
   * Runs the script with stand-ins for {@code ollama}, {@code curl} and {@code dpkg-query} on the
   * PATH: an Ollama "already installed", started in the background with the address the platform
   * reaches, and each model of {@code OLLAMA_MODELS_TO_PULL} pulled.
   */
  @Test
  void itStartsOllamaOnAllInterfacesAndPullsTheModelsItIsGiven(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls.log");
    stub(
        bin.resolve("ollama"),
        "case \"$1\" in\n"
            + "  --version) echo 'ollama version is 0.12.6' ;;\n"
            + "  serve) echo \"serve OLLAMA_HOST=$OLLAMA_HOST\" >>\"$CALLS\"; exec sleep 60 ;;\n"
            + "  *) echo \"$* OLLAMA_HOST=$OLLAMA_HOST\" >>\"$CALLS\" ;;\n"
            + "esac\n");
    stub(bin.resolve("curl"), "echo '{\"version\":\"0.12.6\"}'\n");
    stub(bin.resolve("dpkg-query"), "echo 'install ok installed'\n");
    Path script = dir.resolve("install-ollama.sh");
    Files.writeString(script, this.script, StandardCharsets.UTF_8);
    Path pidFile = dir.resolve("ollama.pid");
    ProcessBuilder run = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    run.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    run.environment().put("CALLS", calls.toString());
    run.environment().put("OLLAMA_SERVICE", "background");
    run.environment().put("OLLAMA_PID_FILE", pidFile.toString());
    run.environment().put("OLLAMA_LOG", dir.resolve("ollama.log").toString());
    run.environment().put("OLLAMA_MODELS_TO_PULL", "llama3.2:1b, qwen2.5:0.5b");
    run.environment().remove("OLLAMA_HOST");

    Process bash = run.start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(bash.exitValue()).as(output).isZero();
      assertThat(output).contains("##STEP 1/4 Install Ollama", "##STEP 4/4 Pull models");
      assertThat(output).contains("Ollama is up");
      awaitLine(calls, "serve OLLAMA_HOST=0.0.0.0:11434");
      assertThat(Files.readAllLines(calls))
          .contains("pull llama3.2:1b OLLAMA_HOST=127.0.0.1:11434")
          .contains("pull qwen2.5:0.5b OLLAMA_HOST=127.0.0.1:11434");
    } finally {
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static void stub(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
    file.toFile().setExecutable(true);
  }

  /** The background service writes its line when it starts, which may be after the script ends. */
  private static void awaitLine(Path file, String line) throws IOException, InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (Files.exists(file) && Files.readAllLines(file).contains(line)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        line + " not in " + (Files.exists(file) ? Files.readAllLines(file) : "(no file)"));
  }

  @Test
  void bashParsesIt(@TempDir Path dir) throws IOException, InterruptedException {
    Path file = dir.resolve("install-ollama.sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);

    Process bash =
        new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(bash.exitValue()).as(output).isZero();
  }
}
