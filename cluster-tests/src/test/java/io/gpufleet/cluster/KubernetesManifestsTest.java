package io.gpufleet.cluster;

import static io.gpufleet.cluster.Deployments.app;
import static io.gpufleet.cluster.Deployments.optional;
import static io.gpufleet.cluster.Deployments.secretOf;
import static io.gpufleet.cluster.Kustomize.find;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests under infra/k8s: a broken one fails the build. */
class KubernetesManifestsTest {

  static final Path BASE = Kustomize.K8S.resolve("base");
  static final Path SANDBOX = Kustomize.K8S.resolve("overlays/sandbox");
  static final Path PRODUCTION = Kustomize.K8S.resolve("overlays/production");
  static final Path CLOUDNATIVE_PG = PRODUCTION.resolve("cloudnative-pg");

  @Test
  void everyManifestIsKubernetesYaml() {
    List<Path> files = Repo.filesUnder("infra/k8s", ".yaml", ".yml");
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      List<Node> documents = Repo.yaml(file);
      assertThat(documents).as(file.toString()).isNotEmpty();
      for (Node document : documents) {
        assertThat(document.get("apiVersion").stringOrNull()).as(document.path()).isNotBlank();
        assertThat(document.get("kind").stringOrNull()).as(document.path()).isNotBlank();
        if (!file.getFileName().toString().equals("kustomization.yaml")) {
          assertThat(document.at("metadata.name").stringOrNull()).as(document.path()).isNotBlank();
        }
      }
    }
  }

  @Test
  void everyKustomizationEntryExists() {
    assertThat(Kustomize.directories()).contains(BASE, SANDBOX, PRODUCTION, CLOUDNATIVE_PG);
    for (Path dir : Kustomize.directories()) {
      for (Path resource : Kustomize.entries(dir, "resources")) {
        assertThat(Files.isRegularFile(resource) || Files.isRegularFile(kustomization(resource)))
            .as("%s: resource %s is a file or a kustomization", dir, resource)
            .isTrue();
      }
      for (Path component : Kustomize.entries(dir, "components")) {
        assertThat(Kustomize.kustomization(component).kind())
            .as("%s: component %s", dir, component)
            .isEqualTo("Component");
      }
      for (Node patch : Kustomize.patches(dir)) {
        String file = patch.get("path").stringOrNull();
        if (file != null) {
          assertThat(dir.resolve(file)).as("%s: patch", dir).isRegularFile();
        } else {
          assertThat(patch.get("patch").stringOrNull()).as(patch.path()).isNotBlank();
        }
      }
    }
  }

  @Test
  void overlaysPatchOnlyObjectsTheyBuildOn() {
    for (Path dir : Kustomize.directories()) {
      List<Node> objects = Kustomize.unpatched(dir);
      Set<String> defined = Set.copyOf(Kustomize.names(objects));
      for (Node patch : Kustomize.patches(dir)) {
        String file = patch.get("path").stringOrNull();
        List<String> targets =
            file != null
                ? Kustomize.names(Repo.yaml(dir.resolve(file)))
                : List.of(
                    patch.at("target.kind").string() + "/" + patch.at("target.name").string());
        assertThat(defined).as("%s patches %s", dir, targets).containsAll(targets);
      }
    }
  }

  @Test
  void baseRunsTwoReplicas() {
    Deployments.check(Kustomize.render(BASE), 2);
  }

  @Nested
  class Production {

    final List<Node> objects = Kustomize.render(PRODUCTION);

    @Test
    void runsTwoReplicasBehindAnIngressScrapedByPrometheus() {
      Deployments.check(objects, 2);
      assertThat(app(objects).get("image").string())
          .as("a registry's image, not the base's placeholder")
          .contains("/gpufleet:");
      assertThat(Kustomize.all(objects, "Ingress")).hasSize(1);
      assertThat(Kustomize.all(objects, "ServiceMonitor")).hasSize(1);
      assertThat(objects).allMatch(o -> "gpufleet".equals(o.at("metadata.namespace").string()));
    }

    @Test
    void requiresTheSecretsThatMatter() {
      Node app = app(objects);
      assertThat(secretOf(app, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("gpufleet-db/password");
      assertThat(secretOf(app, "SPRING_DATASOURCE_USERNAME")).isEqualTo("gpufleet-db/username");
      assertThat(secretOf(app, "GPUFLEET_VAST_API_KEY")).isEqualTo("gpufleet-secrets/vast-api-key");
      assertThat(secretOf(app, "GPUFLEET_SECRETS_MASTER_KEY"))
          .isEqualTo("gpufleet-secrets/master-key");
      for (String required :
          List.of(
              "SPRING_DATASOURCE_PASSWORD",
              "GPUFLEET_VAST_API_KEY",
              "GPUFLEET_SECRETS_MASTER_KEY")) {
        assertThat(optional(app, required))
            .as("%s is required: a pod without it does not start", required)
            .isFalse();
      }
    }

    @Test
    void pointsAtTheCloudNativePgCluster() {
      Node cluster = find(Kustomize.render(CLOUDNATIVE_PG), "Cluster", "gpufleet-db");
      URI url = jdbc(Deployments.env(app(objects), "SPRING_DATASOURCE_URL", objects));
      assertThat(url.getHost())
          .as("the Cluster's read-write Service")
          .isEqualTo(cluster.name() + "-rw");
      assertThat(url.getPath())
          .isEqualTo("/" + cluster.at("spec.bootstrap.initdb.database").string());
      assertThat(cluster.at("spec.bootstrap.initdb.secret.name").string() + "/password")
          .as("the database's owner is the user the replicas log in as")
          .isEqualTo(secretOf(app(objects), "SPRING_DATASOURCE_PASSWORD"));
      assertThat(cluster.at("spec.instances").integer())
          .as("a standby to fail over to")
          .isGreaterThan(1);
      assertThat(cluster.at("spec.imageName").string()).endsWith(":17");
      assertThat(cluster.at("metadata.namespace").string())
          .isEqualTo(objects.get(0).at("metadata.namespace").string());
    }

    @Test
    void ingressKeepsWebSocketsOpenAndSessionsOnTheirReplica() {
      Node ingress = find(objects, "Ingress", "gpufleet");
      Node annotations = ingress.at("metadata.annotations");
      for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
        assertThat(
                Integer.parseInt(
                    annotations.get("nginx.ingress.kubernetes.io/" + timeout).string()))
            .as(timeout + ": an hour for the WebSocket and event streams")
            .isGreaterThanOrEqualTo(3600);
      }
      assertThat(annotations.get("nginx.ingress.kubernetes.io/affinity").string())
          .isEqualTo("cookie");
      Node service = find(objects, "Service", "gpufleet");
      Set<String> servicePorts =
          service.at("spec.ports").list().stream()
              .map(p -> p.get("name").string())
              .collect(Collectors.toSet());
      for (Node rule : ingress.at("spec.rules").list()) {
        assertThat(rule.get("host").string()).isNotBlank();
        for (Node path : rule.at("http.paths").list()) {
          assertThat(path.at("backend.service.name").string()).isEqualTo(service.name());
          assertThat(path.at("backend.service.port.name").string()).isIn(servicePorts);
        }
      }
    }

    @Test
    void prometheusScrapesTheActuatorWithTheAdminKeyTheReplicasRegister() {
      Node monitor = find(objects, "ServiceMonitor", "gpufleet");
      Node service = find(objects, "Service", "gpufleet");
      assertThat(service.at("metadata.labels").strings())
          .containsAllEntriesOf(monitor.at("spec.selector.matchLabels").strings());
      Node endpoint = monitor.at("spec.endpoints").list().get(0);
      assertThat(endpoint.get("path").string()).isEqualTo("/actuator/prometheus");
      assertThat(endpoint.get("port").string())
          .isIn(service.at("spec.ports").list().stream().map(p -> p.get("name").string()).toList());
      assertThat(endpoint.at("authorization.type").string()).isEqualTo("Bearer");
      Node credentials = endpoint.at("authorization.credentials");
      assertThat(credentials.get("name").string() + "/" + credentials.get("key").string())
          .isEqualTo(secretOf(app(objects), "GPUFLEET_ADMIN_API_KEY"));
    }
  }

  @Nested
  class Sandbox {

    final List<Node> objects = Kustomize.render(SANDBOX);

    @Test
    void runsOneSandboxReplicaOnItsOwnPostgres() {
      Deployments.check(objects, 1);
      Node app = app(objects);
      assertThat(optional(app, "GPUFLEET_VAST_API_KEY"))
          .as("no Vast.ai key needed: that is the sandbox")
          .isTrue();
      URI url = jdbc(Deployments.env(app, "SPRING_DATASOURCE_URL", objects));
      Node service = find(objects, "Service", url.getHost());
      assertThat(service.at("spec.ports").list().get(0).get("port").integer())
          .isEqualTo(url.getPort());
      Node postgres = find(objects, "StatefulSet", url.getHost());
      assertThat(postgres.at("spec.template.metadata.labels").strings())
          .containsAllEntriesOf(service.at("spec.selector").strings());
      Node container = postgres.at("spec.template.spec.containers").list().get(0);
      assertThat(container.get("image").string()).isEqualTo("postgres:17");
      assertThat(secretOf(container, "POSTGRES_PASSWORD"))
          .isEqualTo(secretOf(app, "SPRING_DATASOURCE_PASSWORD"));
      assertThat(secretOf(container, "POSTGRES_USER"))
          .isEqualTo(secretOf(app, "SPRING_DATASOURCE_USERNAME"));
      assertThat(url.getPath()).isEqualTo("/" + Deployments.env(container, "POSTGRES_DB", objects));
    }

    @Test
    void needsNoIngressNorPrometheusOperator() {
      assertThat(Kustomize.all(objects, "Ingress")).isEmpty();
      assertThat(Kustomize.all(objects, "ServiceMonitor")).isEmpty();
      assertThat(objects)
          .allMatch(o -> "gpufleet-sandbox".equals(o.at("metadata.namespace").string()));
    }
  }

  static URI jdbc(String url) {
    assertThat(url).startsWith("jdbc:postgresql://");
    return URI.create(url.substring("jdbc:".length()));
  }

  private static Path kustomization(Path dir) {
    return dir.resolve("kustomization.yaml");
  }
}
