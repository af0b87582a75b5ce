package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** infra/compose.yaml: PostgreSQL 17, two replicas of the image and nginx in front of them. */
class ComposeTest {

  static final List<String> REPLICAS = List.of("gpufleet-1", "gpufleet-2");

  final Node services = Repo.yamlDocument("infra/compose.yaml").get("services");

  @Test
  void runsTwoReplicasOfTheImageOnOneDatabaseWithOneMasterKey() {
    assertThat(services.entries().keySet()).contains("postgres", "proxy").containsAll(REPLICAS);
    Map<String, String> first = environment(REPLICAS.get(0));
    for (String replica : REPLICAS) {
      Node service = services.get(replica);
      assertThat(service.at("build.context").string()).isEqualTo("..");
      assertThat(
              Repo.path("infra")
                  .resolve(service.at("build.context").string())
                  .resolve(service.at("build.dockerfile").string())
                  .normalize())
          .isEqualTo(Repo.path("Dockerfile"));
      assertThat(service.get("image").string()).isEqualTo("gpufleet:local");
      Map<String, String> environment = environment(replica);
      assertThat(environment).as(replica).isEqualTo(first);
      assertThat(service.get("volumes").list())
          .extracting(Node::string)
          .as("results and uploads shared by both")
          .contains("gpufleet-data:" + environment.get("GPUFLEET_DATA_DIR"));
      assertThat(service.at("depends_on.postgres.condition").string()).isEqualTo("service_healthy");
    }
    assertThat(first.get("GPUFLEET_SECRETS_MASTER_KEY"))
        .as("one variable gives every replica the same key")
        .isEqualTo("${GPUFLEET_SECRETS_MASTER_KEY:-}");
    URI database = KubernetesManifestsTest.jdbc(first.get("SPRING_DATASOURCE_URL"));
    assertThat(database.getHost()).isEqualTo("postgres");
    Node postgres = services.get("postgres");
    assertThat(postgres.get("image").string()).startsWith("postgres:17");
    Map<String, String> db = postgres.get("environment").strings();
    assertThat(database.getPath()).isEqualTo("/" + db.get("POSTGRES_DB"));
    assertThat(first.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(db.get("POSTGRES_USER"));
    assertThat(first.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(db.get("POSTGRES_PASSWORD"));
  }

  @Test
  void theProxyWaitsForBothReplicasAndListensOnLoopback() {
    Node proxy = services.get("proxy");
    assertThat(proxy.get("image").string()).startsWith("nginx:");
    assertThat(proxy.get("ports").list())
        .extracting(Node::string)
        .containsExactly("127.0.0.1:8080:80");
    for (String replica : REPLICAS) {
      assertThat(proxy.at("depends_on").get(replica).get("condition").string())
          .isEqualTo("service_healthy");
    }
    String mount = proxy.get("volumes").list().get(0).string();
    assertThat(mount).endsWith(":/etc/nginx/conf.d/default.conf:ro");
    assertThat(Repo.path("infra").resolve(mount.substring(0, mount.indexOf(':'))).normalize())
        .isEqualTo(Repo.path("infra/nginx/gpufleet.conf"));
  }

  @Test
  void nginxSpreadsOverBothReplicasAndPassesWebSockets() {
    String conf = Repo.read("infra/nginx/gpufleet.conf");
    Matcher upstream = Pattern.compile("upstream gpufleet \\{([^}]*)}").matcher(conf);
    assertThat(upstream.find()).isTrue();
    List<String> servers =
        Pattern.compile("server (\\S+)")
            .matcher(upstream.group(1))
            .results()
            .map(m -> m.group(1))
            .toList();
    assertThat(servers).containsExactlyElementsOf(REPLICAS.stream().map(r -> r + ":8080").toList());
    assertThat(upstream.group(1)).as("a console session stays on its replica").contains("ip_hash;");
    assertThat(conf)
        .contains("proxy_pass http://gpufleet;")
        .contains("proxy_http_version 1.1;")
        .contains("proxy_set_header Upgrade $http_upgrade;")
        .contains("proxy_set_header Connection $connection_upgrade;")
        .containsPattern("map \\$http_upgrade \\$connection_upgrade \\{\\s*default upgrade;")
        .contains("proxy_read_timeout 1h;")
        .contains("proxy_buffering off;")
        .contains("client_max_body_size 25m;");
  }

  private Map<String, String> environment(String service) {
    return services.get(service).get("environment").strings();
  }
}
