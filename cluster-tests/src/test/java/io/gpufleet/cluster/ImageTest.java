package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.cluster.Dockerfile.Instruction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container image as the Dockerfile and the Jib profile build it: the same base, user, port and
 * settings, from the jar the build makes. The layers themselves are checked against that jar in
 * {@link ImageLayersIT}.
 */
class ImageTest {

  static final String JAR = "orchestrator-api/target/gpufleet.jar";

  final Dockerfile dockerfile = Dockerfile.read();
  final String pom = Repo.read("orchestrator-api/pom.xml");

  @Test
  void copiesTheJarTheBuildMakes() {
    assertThat(pom).contains("<finalName>gpufleet</finalName>");
    assertThat(dockerfile.all("COPY"))
        .extracting(Instruction::arguments)
        .contains(JAR + " application.jar");
    List<String> ignore = Repo.read(".dockerignore").lines().map(String::strip).toList();
    assertThat(ignore)
        .as(".dockerignore keeps the context to the jar")
        .containsSubsequence("*", "!" + JAR);
  }

  @Test
  void stacksSpringBootsLayersLeastChangingFirst() {
    String extract = dockerfile.all("RUN").get(0).arguments();
    assertThat(extract)
        .isEqualTo(
            "java -Djarmode=tools -jar application.jar extract --layers --launcher"
                + " --destination extracted");
    List<String> copied =
        dockerfile.image("COPY").stream()
            .map(Instruction::arguments)
            .filter(a -> a.startsWith("--from="))
            .map(ImageTest::layerOf)
            .toList();
    assertThat(copied).containsExactlyElementsOf(Dockerfile.LAYERS);
    assertThat(dockerfile.one("ENTRYPOINT"))
        .as("exec form: java is PID 1 and gets SIGTERM")
        .startsWith("[\"java\"")
        .endsWith("\"org.springframework.boot.loader.launch.JarLauncher\"]");
  }

  @Test
  void runsAsAnUnprivilegedUserOnAJre() {
    Matcher base =
        Pattern.compile("JRE_IMAGE=(\\S+)").matcher(dockerfile.all("ARG").get(0).arguments());
    assertThat(base.find()).isTrue();
    assertThat(base.group(1)).contains("17-jre").doesNotContain("alpine");
    assertThat(dockerfile.all("FROM"))
        .extracting(Instruction::arguments)
        .allMatch(from -> from.startsWith("${JRE_IMAGE}"));
    assertThat(dockerfile.one("USER")).isEqualTo("10001:10001");
    assertThat(dockerfile.one("WORKDIR")).isEqualTo("/app");
  }

  @Test
  void checksItsHealthOnTheActuator() {
    assertThat(dockerfile.one("HEALTHCHECK"))
        .contains("CMD curl -fsS \"http://127.0.0.1:${PORT}/actuator/health/readiness\"");
    assertThat(dockerfile.one("EXPOSE")).isEqualTo("8080");
  }

  @Test
  void takesEverySettingFromTheEnvironment() {
    String env = dockerfile.one("ENV");
    assertThat(env).contains("PORT=8080").contains("GPUFLEET_DATA_DIR=/data");
    assertThat(env)
        .as("no secret and no database baked into the image")
        .doesNotContainPattern("PASSWORD|_KEY|SECRET|DATASOURCE");
  }

  @Test
  void jibBuildsTheSameImage() {
    String profile = between(pom, "<id>image</id>", "</profile>");
    assertThat(profile).contains("<jib.skip>false</jib.skip>");
    assertThat(Repo.read("pom.xml"))
        .contains("<jib.version>3.5.2</jib.version>")
        .as("jib:build runs in every module of a reactor: off unless the profile says so")
        .contains("<jib.skip>true</jib.skip>");
    Matcher dockerBase =
        Pattern.compile("JRE_IMAGE=(\\S+)").matcher(dockerfile.all("ARG").get(0).arguments());
    assertThat(dockerBase.find()).isTrue();
    assertThat(profile).contains("<image.base>" + dockerBase.group(1) + "</image.base>");
    assertThat(profile).contains("<user>" + dockerfile.one("USER") + "</user>");
    assertThat(profile).contains("<port>" + dockerfile.one("EXPOSE") + "</port>");
    for (Map.Entry<String, String> setting :
        Map.of("PORT", "8080", "GPUFLEET_DATA_DIR", "/data").entrySet()) {
      assertThat(profile)
          .contains(
              "<" + setting.getKey() + ">" + setting.getValue() + "</" + setting.getKey() + ">");
    }
    String mainClass = between(profile, "<mainClass>", "</mainClass>");
    Path source =
        Repo.path("orchestrator-api/src/main/java/" + mainClass.replace('.', '/') + ".java");
    assertThat(Repo.read(source)).contains("@SpringBootApplication");
  }

  private static String layerOf(String copyArguments) {
    Matcher matcher =
        Pattern.compile("--from=\\S+ /build/extracted/([a-z-]+)/ \\./").matcher(copyArguments);
    assertThat(matcher.matches()).as(copyArguments).isTrue();
    return matcher.group(1);
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("'%s' is there", start).isNotNegative();
    int to = text.indexOf(end, from + start.length());
    assertThat(to).as("'%s' follows '%s'", end, start).isPositive();
    return text.substring(from + start.length(), to);
  }
}
