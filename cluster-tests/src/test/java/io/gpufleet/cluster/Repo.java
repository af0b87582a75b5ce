package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository this module sits in, and its files as the tests read them. */
final class Repo {

  /** The module's directory is the working directory of Surefire and Failsafe. */
  static final Path ROOT = findRoot();

  private Repo() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    return read(path(relative));
  }

  static String read(Path file) {
    assertThat(file).as("a file the deployment needs").isRegularFile();
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a YAML file (a file may hold several, separated by {@code ---}). */
  static List<Node> yaml(Path file) {
    assertThat(file).as("a YAML file the deployment needs").isRegularFile();
    // SafeConstructor: plain maps, lists and scalars; merge keys (<<) are resolved
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Node> documents = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int index = 0;
      for (Object document : yaml.loadAll(reader)) {
        if (document != null) {
          documents.add(new Node(document, ROOT.relativize(file) + "#" + index));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  static Node yamlDocument(String relative) {
    List<Node> documents = yaml(path(relative));
    assertThat(documents).as(relative).hasSize(1);
    return documents.get(0);
  }

  static List<Path> filesUnder(String relative, String... extensions) {
    try (Stream<Path> files = Files.walk(path(relative))) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> Stream.of(extensions).anyMatch(e -> f.getFileName().toString().endsWith(e)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findRoot() {
    Path module = Path.of("").toAbsolutePath();
    Path root = module.getParent();
    if (root == null || !Files.isDirectory(root.resolve("infra"))) {
      throw new IllegalStateException(
          "run these tests from the cluster-tests module (the repository's infra/ is its sibling),"
              + " not from "
              + module);
    }
    return root;
  }
}
