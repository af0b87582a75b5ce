package io.gpufleet.api.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The history of a setup script through the API: list, read, diff, restore. */
class SetupScriptVersionsIT extends IntegrationTest {

  private String create(String name, String content) {
    HttpResponse<String> created =
        post(
            "/api/v1/setup-scripts",
            ADMIN_KEY,
            JSON.writeValueAsString(Map.of("name", name, "content", content)));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private void save(String id, String name, String content, String key) {
    HttpResponse<String> saved =
        method(
            "PUT",
            "/api/v1/setup-scripts/" + id,
            key,
            JSON.writeValueAsString(Map.of("name", name, "content", content)));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
  }

  @Test
  void eachSaveIsKeptWithItsAuthorAndCanBeComparedAndRestored() {
    TestUser other = newUser("ADMIN");
    String name = "versions-" + UUID.randomUUID();
    String id = create(name, "#!/bin/bash\necho one\n");
    save(id, name, "#!/bin/bash\necho two\n", other.key());

    JsonNode versions = json(get("/api/v1/setup-scripts/" + id + "/versions", ADMIN_KEY));
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).path("version").asInt()).isEqualTo(2);
    assertThat(versions.get(0).path("author").asString()).isEqualTo(other.username());
    assertThat(versions.get(0).path("authorId").asString()).isEqualTo(other.id());
    assertThat(versions.get(0).path("current").asBoolean()).isTrue();
    assertThat(versions.get(1).path("author").asString()).isEqualTo(ADMIN_USER);
    assertThat(versions.get(1).path("current").asBoolean()).isFalse();
    assertThat(versions.get(1).has("content")).isFalse();

    JsonNode first = json(get("/api/v1/setup-scripts/" + id + "/versions/1", ADMIN_KEY));
    assertThat(first.path("content").asString()).isEqualTo("#!/bin/bash\necho one\n");

    JsonNode diff = json(get("/api/v1/setup-scripts/" + id + "/versions/2/diff", ADMIN_KEY));
    assertThat(diff.path("against").asInt()).isEqualTo(1);
    assertThat(diff.path("diff").asString())
        .isEqualTo("--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n #!/bin/bash\n-echo one\n+echo two\n");
    JsonNode backwards =
        json(get("/api/v1/setup-scripts/" + id + "/versions/1/diff?against=2", ADMIN_KEY));
    assertThat(backwards.path("diff").asString()).contains("-echo two\n+echo one\n");
    assertThat(
            json(get("/api/v1/setup-scripts/" + id + "/versions/1/diff", ADMIN_KEY))
                .path("diff")
                .asString())
        .contains("+echo one");

    HttpResponse<String> restored =
        post("/api/v1/setup-scripts/" + id + "/versions/1/restore", ADMIN_KEY, "");
    assertThat(restored.statusCode()).isEqualTo(200);
    assertThat(json(restored).path("version").asInt()).isEqualTo(3);
    assertThat(json(restored).path("content").asString()).isEqualTo("#!/bin/bash\necho one\n");
    assertThat(json(get("/api/v1/setup-scripts/" + id + "/versions", ADMIN_KEY))).hasSize(3);
  }

  @Test
  void aVersionThatDoesNotExistIsA404WithItsCode() {
    String id = create("missing-version-" + UUID.randomUUID(), "echo\n");

    HttpResponse<String> missing = get("/api/v1/setup-scripts/" + id + "/versions/9", ADMIN_KEY);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).path("code").asString()).isEqualTo("SETUP_SCRIPT_VERSION_NOT_FOUND");
    HttpResponse<String> noScript =
        get("/api/v1/setup-scripts/" + UUID.randomUUID() + "/versions", ADMIN_KEY);
    assertThat(json(noScript).path("code").asString()).isEqualTo("SETUP_SCRIPT_NOT_FOUND");
    assertThat(
            post("/api/v1/setup-scripts/" + id + "/versions/9/restore", ADMIN_KEY, "").statusCode())
        .isEqualTo(404);
  }
}
