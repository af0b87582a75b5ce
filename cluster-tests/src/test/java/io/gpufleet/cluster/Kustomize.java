package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Just enough of Kustomize to read our manifests without it: resources and components collected
 * recursively, strategic-merge patches (maps merged, lists of named items merged by name, null
 * deletes), inline JSON patches with {@code replace}, the namespace and the images. Where kubectl
 * is installed, a test compares this with {@code kubectl kustomize}.
 */
final class Kustomize {

  static final Path K8S = Repo.path("infra/k8s");

  private Kustomize() {}

  static Node kustomization(Path dir) {
    List<Node> documents = Repo.yaml(dir.resolve("kustomization.yaml"));
    assertThat(documents).as(dir + "/kustomization.yaml").hasSize(1);
    return documents.get(0);
  }

  /** Every directory under infra/k8s with a kustomization.yaml. */
  static List<Path> directories() {
    return Repo.filesUnder("infra/k8s", "kustomization.yaml").stream()
        .map(Path::getParent)
        .toList();
  }

  static List<Path> entries(Path dir, String field) {
    return kustomization(dir).get(field).list().stream()
        .map(n -> dir.resolve(n.string()).normalize())
        .toList();
  }

  /** The patch files of a kustomization, and the targets of its inline patches. */
  static List<Node> patches(Path dir) {
    return kustomization(dir).get("patches").list();
  }

  /** What the directory makes before its own patches: resources, then components' resources. */
  static List<Node> unpatched(Path dir) {
    List<Node> objects = new ArrayList<>();
    for (Path entry : entries(dir, "resources")) {
      objects.addAll(Files.isDirectory(entry) ? render(entry) : copies(Repo.yaml(entry)));
    }
    for (Path component : entries(dir, "components")) {
      objects.addAll(copies(unpatched(component)));
    }
    return objects;
  }

  /** What {@code kubectl kustomize dir} would print, as far as our manifests go. */
  static List<Node> render(Path dir) {
    List<Node> objects = unpatched(dir);
    List<Path> components = entries(dir, "components");
    for (Path component : components) {
      applyPatches(component, objects);
    }
    applyPatches(dir, objects);
    Node kustomization = kustomization(dir);
    String namespace = kustomization.get("namespace").stringOrNull();
    List<Node> result = new ArrayList<>();
    for (Node object : objects) {
      Map<String, Object> map = map(object.value());
      if (namespace != null) {
        map(map.computeIfAbsent("metadata", k -> new LinkedHashMap<>()))
            .put("namespace", namespace);
      }
      for (Node image : kustomization.get("images").list()) {
        renameImages(map, image);
      }
      result.add(new Node(map, object.path()));
    }
    return result;
  }

  static Node find(List<Node> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.kind()) && name.equals(o.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(objects)));
  }

  static List<Node> all(List<Node> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.kind())).toList();
  }

  static List<String> names(List<Node> objects) {
    return objects.stream().map(o -> o.kind() + "/" + o.name()).toList();
  }

  private static void applyPatches(Path dir, List<Node> objects) {
    for (Node patch : patches(dir)) {
      String file = patch.get("path").stringOrNull();
      if (file != null) {
        for (Node document : Repo.yaml(dir.resolve(file))) {
          Node target = find(objects, document.kind(), document.name());
          merge(map(target.value()), map(document.value()));
        }
      } else {
        Node target =
            find(objects, patch.at("target.kind").string(), patch.at("target.name").string());
        for (Node operation : jsonPatch(patch)) {
          assertThat(operation.get("op").string())
              .as("the only JSON patch operation this reader knows")
              .isEqualTo("replace");
          replace(target.value(), operation.get("path").string(), operation.get("value").value());
        }
      }
    }
  }

  private static List<Node> jsonPatch(Node patch) {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    return new Node(yaml.load(patch.get("patch").string()), patch.path() + ".patch").list();
  }

  /** Strategic merge as far as we use it: named list items merge by name, null removes. */
  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> target, Map<String, Object> patch) {
    patch.forEach(
        (key, value) -> {
          Object existing = target.get(key);
          if (value == null) {
            target.remove(key);
          } else if (existing instanceof Map && value instanceof Map) {
            merge((Map<String, Object>) existing, (Map<String, Object>) value);
          } else if (existing instanceof List && value instanceof List && named((List<?>) value)) {
            mergeNamed((List<Object>) existing, (List<Object>) value);
          } else {
            target.put(key, copy(value));
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static void mergeNamed(List<Object> target, List<Object> patch) {
    for (Object item : patch) {
      Object name = ((Map<String, Object>) item).get("name");
      Map<String, Object> existing =
          target.stream()
              .map(t -> (Map<String, Object>) t)
              .filter(t -> Objects.equals(t.get("name"), name))
              .findFirst()
              .orElse(null);
      if (existing == null) {
        target.add(copy(item));
      } else {
        merge(existing, (Map<String, Object>) item);
      }
    }
  }

  private static boolean named(List<?> items) {
    return !items.isEmpty()
        && items.stream().allMatch(i -> i instanceof Map<?, ?> m && m.containsKey("name"));
  }

  @SuppressWarnings("unchecked")
  private static void replace(@Nullable Object root, String pointer, @Nullable Object value) {
    String[] parts = pointer.substring(1).split("/");
    Object node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node =
          node instanceof List<?> list
              ? list.get(Integer.parseInt(parts[i]))
              : ((Map<String, Object>) Objects.requireNonNull(node)).get(parts[i]);
      assertThat(node).as("%s exists", pointer).isNotNull();
    }
    String last = parts[parts.length - 1];
    if (node instanceof List<?> list) {
      ((List<Object>) list).set(Integer.parseInt(last), copy(value));
    } else {
      Map<String, Object> map = (Map<String, Object>) Objects.requireNonNull(node);
      assertThat(map).as("%s exists to be replaced", pointer).containsKey(last);
      map.put(last, copy(value));
    }
  }

  private static void renameImages(Map<String, Object> object, Node image) {
    Node pod = new Node(object, "").at("spec.template.spec");
    for (String field : List.of("containers", "initContainers")) {
      for (Node container : pod.get(field).list()) {
        String current = container.get("image").string();
        String name = current.contains(":") ? current.substring(0, current.indexOf(':')) : current;
        if (name.equals(image.get("name").string())) {
          String newName = Objects.requireNonNullElse(image.get("newName").stringOrNull(), name);
          String tag = image.get("newTag").stringOrNull();
          map(container.value()).put("image", tag == null ? newName : newName + ":" + tag);
        }
      }
    }
  }

  private static List<Node> copies(List<Node> nodes) {
    return nodes.stream().map(n -> new Node(copy(n.value()), n.path())).toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> T copy(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), copy(v)));
      return (T) copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(copy(v)));
      return (T) copy;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object value) {
    if (!(value instanceof Map)) {
      throw new AssertionError("not a map: " + value);
    }
    return (Map<String, Object>) value;
  }
}
