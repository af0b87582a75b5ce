package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 004, Spoon Feeder: provider profiles with their keys masked, a connection test and a model
 * sync, a chat through the sandbox's Ollama, ComfyUI's options, a session of generations with full
 * parameters and the resolved seed, the snapshot that ran, a failed one retried, and the history
 * filtered, paged and exported. Its raw SQL endpoint has no counterpart.
 */
class Seed004SpoonFeederIT extends AcceptanceTest {

  @Test
  void profilesChatOptionsASessionOfGenerationsAndTheHistoryExported() {
    Fixed server = fixedServer("spoon", 120);
    TestUser user = userWithRoom();

    // profiles: one is there in sandbox; a new one keeps its key to itself
    JsonNode ollama = json(get("/api/v1/profiles?provider=ollama", ADMIN_KEY)).path("items").get(0);
    assertThat(ollama.path("name").asString()).isEqualTo("Sandbox Ollama");
    String secret = "sk-spoon-feeder-0123456789WXYZ";
    HttpResponse<String> created =
        post(
            "/api/v1/profiles",
            ADMIN_KEY,
            "{\"name\":\""
                + unique("OpenAI Production")
                + "\",\"provider\":\"openai\",\"apiKey\":\""
                + secret
                + "\",\"defaultModel\":\"gpt-4o-mini\",\"options\":{\"temperature\":0.7},"
                + "\"systemPrompt\":\"You are a helpful assistant.\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain(secret);
    String profile = json(created).path("id").asString();
    JsonNode read = json(get("/api/v1/profiles/" + profile, ADMIN_KEY));
    assertThat(read.path("apiKey").asString()).endsWith("WXYZ").doesNotContain("spoon");
    assertThat(read.path("hasApiKey").asBoolean()).isTrue();
    JsonNode changed =
        json(
            method(
                "PATCH",
                "/api/v1/profiles/" + profile,
                ADMIN_KEY,
                "{\"options\":{\"temperature\":0.8}}"));
    assertThat(changed.path("options").path("temperature").asDouble()).isEqualTo(0.8);
    assertThat(method("DELETE", "/api/v1/profiles/" + profile, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);

    // test connection and sync models, on the sandbox's Ollama
    String ollamaId = ollama.path("id").asString();
    JsonNode test = json(post("/api/v1/profiles/" + ollamaId + "/test", ADMIN_KEY, ""));
    assertThat(test.path("connected").asBoolean()).as(test.toString()).isTrue();
    JsonNode sync = json(post("/api/v1/profiles/" + ollamaId + "/models/sync", ADMIN_KEY, ""));
    assertThat(sync.path("models").size()).isPositive();

    // POST /chat: a user's conversation through the provider
    HttpResponse<String> chat =
        post(
            "/api/v1/chat",
            user.key(),
            "{\"provider\":\"ollama\",\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":"
                + "\"What is the capital of France?\"}]}");
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    JsonNode answer = json(chat);
    assertThat(answer.path("response").asString()).isNotBlank();
    assertThat(answer.path("provider").asString()).isEqualTo("ollama");
    assertThat(answer.path("usage").path("totalTokens").asInt()).isPositive();

    // GET /comfyui/options: read from the server's ComfyUI
    JsonNode options = json(get("/api/v1/servers/" + server.id() + "/options", ADMIN_KEY));
    assertThat(options.path("samplers").valueStream().map(JsonNode::asString))
        .contains("euler", "dpmpp_2m");
    assertThat(options.path("schedulers").valueStream().map(JsonNode::asString))
        .contains("normal", "karras");
    assertThat(options.path("checkpoints").valueStream().map(JsonNode::asString))
        .contains("v1-5-pruned-emaonly-fp16.safetensors");

    // a session, and a generation in it with the full parameters; the seed comes back resolved
    String session =
        json(post("/api/v1/sessions", user.key(), "{\"name\":\"Landscape Concepts\"}"))
            .path("id")
            .asString();
    JsonNode started =
        submit(
            user.key(),
            "{\"sessionId\":\""
                + session
                + "\",\"prompt\":\"A majestic dragon flying over a castle at sunset\","
                + "\"negativePrompt\":\"blurry, low quality, watermark\",\"width\":576,"
                + "\"height\":448,\"steps\":8,\"cfg\":7,\"seed\":-1,\"sampler\":\"dpmpp_2m\","
                + "\"scheduler\":\"karras\",\"checkpoint\":\"v1-5-pruned-emaonly-fp16.safetensors\"}");
    long seed = started.path("seed").asLong();
    assertThat(seed).isNotEqualTo(-1L);
    String dragon = started.path("id").asString();
    JsonNode done = awaitCompleted(user.key(), dragon);
    assertThat(done.path("seed").asLong()).isEqualTo(seed);
    Download image = download(user.key(), done.path("outputs").get(0).path("url").asString());
    assertThat(image.image().getWidth()).isEqualTo(576);

    // GET /comfyui/generations/:id/workflow: the exact snapshot, for reproduction
    JsonNode snapshot = json(get("/api/v1/generations/" + dragon + "/workflow", user.key()));
    assertThat(snapshot.path("3").path("inputs").path("seed").asLong()).isEqualTo(seed);
    assertThat(snapshot.path("3").path("inputs").path("sampler_name").asString())
        .isEqualTo("dpmpp_2m");
    assertThat(snapshot.path("5").path("inputs").path("width").asInt()).isEqualTo(576);

    // a failed task, retried
    server.comfy().failNextPrompt("KSampler", "RuntimeError", "CUDA error: device-side assert");
    String failing =
        submit(user.key(), "{\"sessionId\":\"" + session + "\",\"prompt\":\"a storm\",\"steps\":4}")
            .path("id")
            .asString();
    JsonNode failed = awaitFinal(user.key(), failing);
    assertThat(failed.path("status").asString()).isEqualTo("FAILED");
    assertThat(failed.path("error").path("message").asString()).contains("device-side assert");
    HttpResponse<String> retried =
        post("/api/v1/generations/" + failing + "/regenerate", user.key(), "");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    String retry = json(retried).path("id").asString();
    submitted.add(retry);
    awaitCompleted(user.key(), retry);

    // the session's counts, like the seed's generation_count / completed_count / failed_count
    JsonNode counts = json(get("/api/v1/sessions/" + session, user.key())).path("counts");
    assertThat(counts.path("total").asInt()).isEqualTo(3);
    assertThat(counts.path("completed").asInt()).isEqualTo(2);
    assertThat(counts.path("failed").asInt()).isEqualTo(1);

    // the history: filtered, paged, exported as JSON and CSV
    JsonNode failedOnly =
        json(get("/api/v1/generations?sessionId=" + session + "&status=FAILED", user.key()));
    assertThat(failedOnly.path("total").asInt()).isEqualTo(1);
    assertThat(failedOnly.path("items").get(0).path("id").asString()).isEqualTo(failing);
    JsonNode exported =
        json(get("/api/v1/generations/export?format=json&sessionId=" + session, user.key()));
    assertThat(exported.findValuesAsString("id")).containsExactlyInAnyOrder(dragon, failing, retry);
    HttpResponse<String> csv =
        get("/api/v1/generations/export?format=csv&sessionId=" + session, user.key());
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("attachment");
    assertThat(csv.body().lines()).hasSize(4).first().asString().startsWith("id,status");

    // the seed's "development" SQL endpoint is not here
    assertThat(post("/api/v1/database/query", ADMIN_KEY, "{\"query\":\"SELECT 1\"}").statusCode())
        .isEqualTo(404);
  }
}
