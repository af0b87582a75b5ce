package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The real Kustomize, where {@code kubectl} is installed: each overlay builds, passes the same
 * checks, and renders what {@link Kustomize} (our reader, which every build runs) says it does.
 * Without kubectl the structural checks of {@link KubernetesManifestsTest} still run.
 */
class KustomizeBuildTest {

  @ParameterizedTest
  @CsvSource({"overlays/production, 2", "overlays/sandbox, 1"})
  void overlayBuildsAndMatchesOurReading(String overlay, int replicas) throws Exception {
    Path kubectl = kubectl();
    assumeThat(kubectl).as("kubectl on the PATH (its kustomize builds the overlay)").isNotNull();
    Path dir = Kustomize.K8S.resolve(overlay);
    List<Node> built = build(kubectl, dir);

    Deployments.check(built, replicas);
    List<Node> ours = Kustomize.render(dir);
    assertThat(Kustomize.names(built)).containsExactlyInAnyOrderElementsOf(Kustomize.names(ours));
    for (Node object : ours) {
      assertThat(normalized(Kustomize.find(built, object.kind(), object.name()).value()))
          .as("kubectl's %s/%s", object.kind(), object.name())
          .isEqualTo(normalized(object.value()));
    }
  }

  /** Kustomize puts the items a patch merges first; their order means nothing to Kubernetes. */
  private static @Nullable Object normalized(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, @Nullable Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, normalized(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(normalized(v)));
      if (copy.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null)) {
        copy.sort(Comparator.comparing(i -> String.valueOf(((Map<?, ?>) i).get("name"))));
      }
      return copy;
    }
    return value;
  }

  private static List<Node> build(Path kubectl, Path dir) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s: %s", dir, output).isZero();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Node> objects = new ArrayList<>();
    for (Object document : yaml.loadAll(output)) {
      if (document != null) {
        objects.add(new Node(document, "kubectl kustomize " + Repo.ROOT.relativize(dir)));
      }
    }
    return objects;
  }

  private static @Nullable Path kubectl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    return Stream.of(path.split(File.pathSeparator))
        .map(p -> Path.of(p, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(null);
  }
}
