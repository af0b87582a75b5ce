package io.gpufleet.api.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Provider profiles as admins manage them: CRUD, keys, models and prices, tests, syncs. */
class ProfilesApiIT extends IntegrationTest {

  private static final String KEY = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789WXYZ";

  @Autowired OllamaSimulator ollama;
  @Autowired JdbcTemplate jdbc;

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonNode create(String body) {
    HttpResponse<String> created = post("/api/v1/profiles", ADMIN_KEY, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).isPresent();
    return json(created);
  }

  private JsonNode openAi() {
    return create(
        """
        {"name":"%s","provider":"openai","apiKey":"%s","defaultModel":"gpt-4o-mini",
         "options":{"temperature":0.7,"maxTokens":4096},"systemPrompt":"You are helpful."}
        """
            .formatted(unique("openai"), KEY));
  }

  @Test
  void aProfileKeepsItsKeySealedAndAnswersItOnlyMasked() {
    JsonNode profile = openAi();
    String id = profile.path("id").asString();

    assertThat(profile.path("apiKey").asString()).isEqualTo("…WXYZ");
    assertThat(profile.path("hasApiKey").asBoolean()).isTrue();
    assertThat(profile.path("baseUrl").asString()).isEqualTo("https://api.openai.com/v1");
    assertThat(profile.path("options").path("maxTokens").asInt()).isEqualTo(4096);
    assertThat(get("/api/v1/profiles/" + id, ADMIN_KEY).body()).doesNotContain(KEY);
    assertThat(get("/api/v1/profiles?provider=openai&size=200", ADMIN_KEY).body())
        .doesNotContain(KEY)
        .contains(id);
    String stored =
        jdbc.queryForObject(
            "select api_key_sealed from provider_profiles where id = ?::uuid", String.class, id);
    assertThat(stored).isNotBlank().doesNotContain(KEY).doesNotContain("WXYZ");
  }

  @Test
  void aPatchChangesWhatItNamesAndKeepsTheRest() {
    String id = openAi().path("id").asString();

    HttpResponse<String> patched =
        method(
            "PATCH",
            "/api/v1/profiles/" + id,
            ADMIN_KEY,
            "{\"options\":{\"temperature\":0.1},\"systemPrompt\":\"\",\"enabled\":false}");

    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    JsonNode profile = json(patched);
    assertThat(profile.path("options").path("temperature").asDouble()).isEqualTo(0.1);
    assertThat(profile.path("systemPrompt").isNull()).isTrue();
    assertThat(profile.path("enabled").asBoolean()).isFalse();
    assertThat(profile.path("defaultModel").asString()).isEqualTo("gpt-4o-mini");
    assertThat(profile.path("apiKey").asString()).isEqualTo("…WXYZ");
    assertThat(method("DELETE", "/api/v1/profiles/" + id, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    assertThat(get("/api/v1/profiles/" + id, ADMIN_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void modelsCarryPricesAndMayHaveSlashesInTheirNames() {
    String id = openAi().path("id").asString();
    String models = "/api/v1/profiles/" + id + "/models";

    HttpResponse<String> added =
        post(
            models,
            ADMIN_KEY,
            "{\"model\":\"hf.co/org/model:Q4\",\"inputPricePerMillion\":0.15,\"outputPricePerMillion\":0.6}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThat(post(models, ADMIN_KEY, "{\"model\":\"hf.co/org/model:Q4\"}").statusCode())
        .isEqualTo(409);

    HttpResponse<String> priced =
        method(
            "PATCH", models + "/hf.co/org/model:Q4", ADMIN_KEY, "{\"outputPricePerMillion\":0.8}");
    assertThat(priced.statusCode()).as(priced.body()).isEqualTo(200);
    assertThat(json(priced).path("inputPricePerMillion").decimalValue())
        .isEqualByComparingTo("0.15");
    assertThat(json(priced).path("outputPricePerMillion").decimalValue())
        .isEqualByComparingTo("0.8");

    assertThat(method("DELETE", models + "/hf.co/org/model:Q4", ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    assertThat(json(get(models, ADMIN_KEY)).size()).isZero();
    HttpResponse<String> gone = method("DELETE", models + "/hf.co/org/model:Q4", ADMIN_KEY, null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).path("code").asString()).isEqualTo("MODEL_NOT_FOUND");
  }

  @Test
  void aTestSaysHowFastTheProviderAnswersItsVersionAndModels() {
    String id =
        create(
                "{\"name\":\"%s\",\"provider\":\"ollama\",\"endpoint\":\"%s\"}"
                    .formatted(unique("ollama"), ollama.baseUrl()))
            .path("id")
            .asString();

    JsonNode test = json(post("/api/v1/profiles/" + id + "/test", ADMIN_KEY, ""));

    assertThat(test.path("connected").asBoolean()).isTrue();
    assertThat(test.path("version").asString()).isEqualTo("0.12.6");
    assertThat(test.path("latencyMs").asLong()).isNotNegative();
    assertThat(test.path("models").findValuesAsString("")).isEmpty();
    assertThat(test.path("models").toString()).contains("llama3.2:latest", "llava:7b");
    JsonNode profile = json(get("/api/v1/profiles/" + id, ADMIN_KEY));
    assertThat(profile.path("lastTest").path("ok").asBoolean()).isTrue();
  }

  @Test
  void aSyncAddsWhatTheProviderOffersAndRemovesWhatItDropped() {
    String id =
        create(
                "{\"name\":\"%s\",\"provider\":\"ollama\",\"endpoint\":\"%s\"}"
                    .formatted(unique("sync"), ollama.baseUrl()))
            .path("id")
            .asString();
    String sync = "/api/v1/profiles/" + id + "/models/sync";

    JsonNode first = json(post(sync, ADMIN_KEY, ""));
    JsonNode again = json(post(sync, ADMIN_KEY, ""));

    assertThat(first.path("added").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(again.path("added").asInt()).isZero();
    assertThat(again.path("removed").asInt()).isZero();
    JsonNode llava = null;
    for (JsonNode m : json(get("/api/v1/profiles/" + id + "/models", ADMIN_KEY))) {
      if (m.path("model").asString().equals("llava:7b")) {
        llava = m;
      }
    }
    assertThat(llava).isNotNull();
    assertThat(llava.path("vision").asBoolean()).isTrue();
    assertThat(llava.path("synced").asBoolean()).isTrue();
  }

  @Test
  void anOllamaProfileLoadsAndUnloadsModels() {
    ollama.reset();
    String id =
        create(
                "{\"name\":\"%s\",\"provider\":\"ollama\",\"endpoint\":\"%s\"}"
                    .formatted(unique("keep"), ollama.baseUrl()))
            .path("id")
            .asString();
    String models = "/api/v1/profiles/" + id + "/models";

    HttpResponse<String> load =
        post(models + "/load", ADMIN_KEY, "{\"model\":\"qwen2.5:0.5b\",\"keepAlive\":\"10m\"}");
    assertThat(load.statusCode()).as(load.body()).isEqualTo(204);
    JsonNode loaded = json(get(models + "/loaded", ADMIN_KEY));
    assertThat(loaded.findValuesAsString("name")).containsExactly("qwen2.5:0.5b");
    assertThat(loaded.get(0).path("expiresAt").asString()).isNotEmpty();

    assertThat(post(models + "/unload", ADMIN_KEY, "{\"model\":\"qwen2.5:0.5b\"}").statusCode())
        .isEqualTo(204);
    assertThat(json(get(models + "/loaded", ADMIN_KEY)).size()).isZero();
    HttpResponse<String> unknown = post(models + "/load", ADMIN_KEY, "{\"model\":\"nope:1b\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("code").asString()).isEqualTo("MODEL_NOT_FOUND");
  }

  @Test
  void settingsCanBeTriedBeforeTheyAreSaved() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    JsonNode ok =
        json(
            post(
                "/api/v1/profiles/test",
                ADMIN_KEY,
                "{\"provider\":\"ollama\",\"endpoint\":\"" + ollama.baseUrl() + "\"}"));
    JsonNode down =
        json(
            post(
                "/api/v1/profiles/test",
                ADMIN_KEY,
                "{\"provider\":\"ollama\",\"endpoint\":\"http://127.0.0.1:" + closedPort + "\"}"));

    assertThat(ok.path("connected").asBoolean()).isTrue();
    assertThat(down.path("connected").asBoolean()).isFalse();
    assertThat(down.path("code").asString()).isEqualTo("PROVIDER_CONNECTION_ERROR");
  }

  @Test
  void theSandboxHasAProfileForItsOllama() {
    JsonNode list = json(get("/api/v1/profiles?provider=ollama&size=200", ADMIN_KEY));
    JsonNode sandbox = null;
    for (JsonNode p : list.path("items")) {
      if (p.path("name").asString().equals("Sandbox Ollama")) {
        sandbox = p;
      }
    }

    assertThat(sandbox).isNotNull();
    // a stable name that each process resolves to its own simulator
    assertThat(sandbox.path("endpoint").asString()).isEqualTo("http://ollama.sandbox:11434");
    assertThat(sandbox.path("models").toString()).contains("llama3.2:latest");
    JsonNode test =
        json(post("/api/v1/profiles/" + sandbox.path("id").asString() + "/test", ADMIN_KEY, ""));
    assertThat(test.path("connected").asBoolean()).as(test.toString()).isTrue();
  }

  @Nested
  class Refusals {

    @Test
    void onlyAdminsManageProfiles() {
      TestUser user = newUser("USER");

      HttpResponse<String> list = get("/api/v1/profiles", user.key());
      HttpResponse<String> create =
          post("/api/v1/profiles", user.key(), "{\"name\":\"x\",\"provider\":\"ollama\"}");

      assertThat(list.statusCode()).isEqualTo(403);
      assertThat(json(list).path("code").asString()).isEqualTo("FORBIDDEN");
      assertThat(create.statusCode()).isEqualTo(403);
    }

    @Test
    void aBadProfileIsRefusedWithTheFieldAtFault() {
      HttpResponse<String> provider =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\"" + unique("p") + "\",\"provider\":\"bard\"}");
      HttpResponse<String> key =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\"" + unique("p") + "\",\"provider\":\"claude\"}");
      HttpResponse<String> endpoint =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\""
                  + unique("p")
                  + "\",\"provider\":\"ollama\",\"endpoint\":\"ftp://x\"}");
      HttpResponse<String> options =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\""
                  + unique("p")
                  + "\",\"provider\":\"ollama\",\"options\":{\"temperature\":9}}");

      assertThat(json(provider).path("errors").findValuesAsString("field")).contains("provider");
      assertThat(json(key).path("errors").findValuesAsString("field")).contains("apiKey");
      assertThat(json(endpoint).path("errors").findValuesAsString("field")).contains("endpoint");
      assertThat(options.statusCode()).isEqualTo(400);
    }

    @Test
    void namesAreUnique() {
      String name = unique("same");
      create("{\"name\":\"" + name + "\",\"provider\":\"ollama\"}");

      HttpResponse<String> again =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\"" + name.toUpperCase() + "\",\"provider\":\"ollama\"}");

      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(json(again).path("code").asString()).isEqualTo("PROFILE_NAME_TAKEN");
    }
  }
}
