package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every rendered overlay must hold, whoever rendered it (our reader of Kustomize, or kubectl
 * where it is installed): the platform's Deployment, its probes, shutdown, resources and secrets,
 * and the objects that point at it.
 */
final class Deployments {

  static final String APP = "gpufleet";

  /** Settings whose values are secrets: they come from a Secret, never from a manifest. */
  static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|_KEY|SECRET|TOKEN).*");

  private Deployments() {}

  /** The checks of one rendered overlay. */
  static void check(List<Node> objects, int replicas) {
    Node deployment = Kustomize.find(objects, "Deployment", APP);
    assertThat(deployment.at("spec.replicas").integer()).as("replicas").isEqualTo(replicas);
    Node pod = deployment.at("spec.template.spec");
    Node container = pod.get("containers").item("name", APP);

    probesUseTheActuator(container);
    shutdownFitsTheGracePeriod(objects, deployment, container);
    everyContainerRequestsResources(objects);
    secretsComeFromSecrets(objects);
    servicesSelectTheirPods(objects, deployment);
    assertThat(pod.at("securityContext.runAsNonRoot").value()).isEqualTo(true);
    assertThat(pod.get("enableServiceLinks").value())
        .as("no GPUFLEET_PORT=tcp://... from the Service named gpufleet")
        .isEqualTo(false);
    assertThat(
            pod.get("volumes").item("name", "data").at("persistentVolumeClaim.claimName").string())
        .isEqualTo(Kustomize.find(objects, "PersistentVolumeClaim", "gpufleet-data").name());
    assertThat(env(container, "GPUFLEET_DATA_DIR", objects))
        .as("results and uploads on the shared volume")
        .isEqualTo(container.get("volumeMounts").item("name", "data").get("mountPath").string());

    Node budget = Kustomize.find(objects, "PodDisruptionBudget", APP);
    if (budget.at("spec.minAvailable").exists()) {
      assertThat(budget.at("spec.minAvailable").integer())
          .as("a disruption budget that lets a node drain")
          .isLessThan(replicas);
    } else {
      assertThat(budget.at("spec.maxUnavailable").integer()).isPositive();
    }
  }

  static void probesUseTheActuator(Node container) {
    List<String> ports =
        container.get("ports").list().stream().map(p -> p.get("name").string()).toList();
    assertThat(container.at("readinessProbe.httpGet.path").string())
        .isEqualTo("/actuator/health/readiness");
    assertThat(container.at("livenessProbe.httpGet.path").string())
        .isEqualTo("/actuator/health/liveness");
    for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      assertThat(container.at(probe + ".httpGet.port").string()).as(probe).isIn(ports);
    }
    Node startup = container.get("startupProbe");
    assertThat(startup.get("periodSeconds").integer() * startup.get("failureThreshold").integer())
        .as("seconds a first start (migrations) may take before liveness counts")
        .isGreaterThanOrEqualTo(120);
  }

  /** preStop pause + each shutdown phase must end before Kubernetes sends SIGKILL. */
  static void shutdownFitsTheGracePeriod(List<Node> objects, Node deployment, Node container) {
    List<Node> command = container.at("lifecycle.preStop.exec.command").list();
    assertThat(command).as("preStop: pause while the endpoint leaves the Service").hasSize(2);
    assertThat(command.get(0).string()).isEqualTo("sleep");
    int pause = Integer.parseInt(command.get(1).string());
    assertThat(pause).isBetween(5, 30);
    Duration phase =
        duration(env(container, "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", objects));
    int grace = deployment.at("spec.template.spec.terminationGracePeriodSeconds").integer();
    assertThat(Duration.ofSeconds(grace))
        .as("terminationGracePeriodSeconds covers the pause, a shutdown phase and some room")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(pause).plus(phase).plusSeconds(10));
    assertThat(deployment.at("spec.strategy.rollingUpdate.maxUnavailable").integer())
        .as("a rollout never drops below the replicas asked for")
        .isZero();
  }

  static void everyContainerRequestsResources(List<Node> objects) {
    for (Node workload : workloads(objects)) {
      for (Node container : workload.at("spec.template.spec.containers").list()) {
        Node resources = container.get("resources");
        assertThat(resources.at("requests.cpu").stringOrNull()).as(container.path()).isNotBlank();
        assertThat(resources.at("requests.memory").stringOrNull())
            .as(container.path())
            .isNotBlank();
        assertThat(resources.at("limits.memory").stringOrNull()).as(container.path()).isNotBlank();
      }
    }
  }

  static void secretsComeFromSecrets(List<Node> objects) {
    assertThat(Kustomize.all(objects, "Secret"))
        .as("no Secret is kept in the manifests: the operator creates them")
        .isEmpty();
    for (Node configMap : Kustomize.all(objects, "ConfigMap")) {
      assertThat(configMap.get("data").strings().keySet())
          .as("secrets in a ConfigMap " + configMap.path())
          .noneMatch(k -> SECRET_NAME.matcher(k).matches());
    }
    for (Node workload : workloads(objects)) {
      for (Node container : workload.at("spec.template.spec.containers").list()) {
        for (Node variable : container.get("env").list()) {
          String name = variable.get("name").string();
          if (SECRET_NAME.matcher(name).matches()) {
            assertThat(variable.get("value").exists())
                .as(variable.path() + " is a literal")
                .isFalse();
            assertThat(variable.at("valueFrom.secretKeyRef.name").stringOrNull())
                .as(variable.path() + " comes from a Secret")
                .isNotBlank();
          }
        }
      }
    }
  }

  static void servicesSelectTheirPods(List<Node> objects, Node deployment) {
    Map<String, String> podLabels = deployment.at("spec.template.metadata.labels").strings();
    assertThat(deployment.at("spec.selector.matchLabels").strings()).isEqualTo(podLabels);
    Node service = Kustomize.find(objects, "Service", APP);
    assertThat(podLabels).containsAllEntriesOf(service.at("spec.selector").strings());
    Node container = deployment.at("spec.template.spec.containers").item("name", APP);
    List<String> containerPorts =
        container.get("ports").list().stream().map(p -> p.get("name").string()).toList();
    for (Node port : service.at("spec.ports").list()) {
      assertThat(port.get("targetPort").string()).isIn(containerPorts);
    }
    assertThat(podLabels)
        .containsAllEntriesOf(
            Kustomize.find(objects, "PodDisruptionBudget", APP)
                .at("spec.selector.matchLabels")
                .strings());
  }

  /** A setting's value as the container sees it: its own env, else its ConfigMaps. */
  static String env(Node container, String name, List<Node> objects) {
    for (Node variable : container.get("env").list()) {
      if (name.equals(variable.get("name").string())) {
        return variable.get("value").string();
      }
    }
    for (Node source : container.get("envFrom").list()) {
      String configMap = source.at("configMapRef.name").stringOrNull();
      if (configMap != null) {
        String value =
            Kustomize.find(objects, "ConfigMap", configMap).get("data").strings().get(name);
        if (value != null) {
          return value;
        }
      }
    }
    throw new AssertionError(container.path() + " has no setting " + name);
  }

  /** The Secret and key a variable comes from, as "secret/key". */
  static String secretOf(Node container, String variable) {
    Node ref = container.get("env").item("name", variable).at("valueFrom.secretKeyRef");
    return ref.get("name").string() + "/" + ref.get("key").string();
  }

  static boolean optional(Node container, String variable) {
    return Boolean.TRUE.equals(
        container.get("env").item("name", variable).at("valueFrom.secretKeyRef.optional").value());
  }

  static Node app(List<Node> objects) {
    return Kustomize.find(objects, "Deployment", APP)
        .at("spec.template.spec.containers")
        .item("name", APP);
  }

  static List<Node> workloads(List<Node> objects) {
    List<Node> workloads = new ArrayList<>(Kustomize.all(objects, "Deployment"));
    workloads.addAll(Kustomize.all(objects, "StatefulSet"));
    return workloads;
  }

  /** Spring's durations as the settings use them: 30s, 2m, 500ms, or ISO-8601. */
  static Duration duration(String value) {
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      switch (value.charAt(value.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        default:
          return Duration.parse(value);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new AssertionError("not a duration: " + value, e);
    }
  }
}
