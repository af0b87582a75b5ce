package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 002, the ComfyUI bridge server: an admin designates a workflow's inputs ({@code 6/text},
 * {@code 10/image}); a user sees only those, connects the socket, uploads an image under a unique
 * name, generates in a session, and reads the history page by page, one generation, the count; the
 * admin interrupts and frees the ComfyUI.
 */
class Seed002SessionsAndHistoryIT extends AcceptanceTest {

  @Test
  void aUserSeesOnlyTheDesignatedInputsGeneratesInASessionAndPagesThroughTheHistory() {
    Fixed server = fixedServer("bridge", 80);
    String alias = unique("i2i-bridge");
    String workflow = designatedImageToImage(alias);
    TestUser user = userWithRoom();

    // WS /ws?clientId=…: here a ticket, then a subscription; the server says it listens
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    socket(user.key(), heard).sendText("{\"type\":\"subscribe\",\"all\":true}", true).join();
    await(() -> heard.stream().anyMatch(m -> typeOf(m).equals("subscribed")));

    // GET /workflow-info?workflow=alias: only what the admin designated, keyed node/field
    JsonNode listed = json(get("/api/v1/workflows", user.key()));
    assertThat(listed.findValuesAsString("name")).contains(alias);
    JsonNode inputs = json(get("/api/v1/workflows/" + workflow + "/inputs", user.key()));
    assertThat(inputs.propertyNames()).containsExactlyInAnyOrder("6/text", "10/image");
    assertThat(inputs.path("6/text").path("defaultValue").asString())
        .isEqualTo("the same scene as an oil painting");
    assertThat(inputs.path("10/image").path("type").asString()).isEqualTo("IMAGE");

    // POST upload: stored under a name of its own, which the client keeps
    String session =
        json(post("/api/v1/sessions", user.key(), "{\"name\":\"bottles\"}")).path("id").asString();
    JsonNode first = json(upload(user.key(), "bottle.png", png(192, 128), session));
    JsonNode second = json(upload(user.key(), "bottle.png", png(192, 128), session));
    assertThat(first.path("inputValue").asString())
        .isNotEqualTo(second.path("inputValue").asString());
    assertThat(first.path("filename").asString()).doesNotContain("/");

    // an input the admin did not designate is refused, naming it
    HttpResponse<String> undesignated =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"workflowId\":\"" + workflow + "\",\"inputs\":{\"3/steps\":50}}");
    assertThat(undesignated.statusCode()).isEqualTo(400);
    assertThat(undesignated.body()).contains("3/steps");

    // POST generate, three times in the session
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode upload = i == 0 ? first : second;
      ids.add(
          submit(
                  user.key(),
                  "{\"workflowId\":\""
                      + workflow
                      + "\",\"sessionId\":\""
                      + session
                      + "\",\"inputs\":{\"6/text\":\"galaxy bottle "
                      + i
                      + "\",\"10/image\":\""
                      + upload.path("inputValue").asString()
                      + "\"}}")
              .path("id")
              .asString());
    }
    for (String id : ids) {
      awaitCompleted(user.key(), id);
    }
    assertThat(heard(heard, ids.get(2), "generation.completed")).hasSize(1);

    // GET /history?limit=2&offset=…: pages of the user's own, newest first, with the total
    JsonNode page0 = json(get("/api/v1/generations?sessionId=" + session + "&size=2", user.key()));
    assertThat(page0.path("total").asInt()).isEqualTo(3);
    assertThat(page0.path("items").size()).isEqualTo(2);
    assertThat(page0.path("items").get(0).path("id").asString()).isEqualTo(ids.get(2));
    JsonNode page1 =
        json(get("/api/v1/generations?sessionId=" + session + "&size=2&page=1", user.key()));
    assertThat(page1.path("items").size()).isEqualTo(1);
    assertThat(page1.path("items").get(0).path("id").asString()).isEqualTo(ids.get(0));
    assertThat(page1.path("items").get(0).path("outputs").get(0).path("url").asString())
        .isNotBlank();

    // execution info and the generation count
    JsonNode one = generation(user.key(), ids.get(1));
    assertThat(one.path("inputs").path("6/text").asString()).isEqualTo("galaxy bottle 1");
    assertThat(one.path("workflowId").asString()).isEqualTo(workflow);
    JsonNode stats = json(get("/api/v1/generations/stats?sessionId=" + session, user.key()));
    assertThat(stats.path("total").asInt()).isEqualTo(3);
    assertThat(stats.path("byStatus").path("COMPLETED").asInt()).isEqualTo(3);

    // sessions: listed with their counts, renamed, deleted (its generations stay)
    JsonNode mine = json(get("/api/v1/sessions", user.key()));
    assertThat(mine.findValuesAsString("id")).contains(session);
    JsonNode renamed =
        json(
            method(
                "PATCH",
                "/api/v1/sessions/" + session,
                user.key(),
                "{\"name\":\"galaxy bottles\"}"));
    assertThat(renamed.path("name").asString()).isEqualTo("galaxy bottles");
    assertThat(renamed.path("counts").path("completed").asInt()).isEqualTo(3);

    // POST free and interrupt: the admin's, on the server's ComfyUI
    HttpResponse<String> free =
        post(
            "/api/v1/servers/" + server.id() + "/free",
            ADMIN_KEY,
            "{\"unloadModels\":true,\"freeMemory\":true}");
    assertThat(free.statusCode()).as(free.body()).isIn(200, 202, 204);
    HttpResponse<String> interrupt =
        post("/api/v1/servers/" + server.id() + "/interrupt", ADMIN_KEY, "{}");
    assertThat(interrupt.statusCode()).as(interrupt.body()).isIn(200, 202, 204);
    assertThat(post("/api/v1/servers/" + server.id() + "/free", user.key(), "{}").statusCode())
        .isEqualTo(403);

    assertThat(method("DELETE", "/api/v1/sessions/" + session, user.key(), null).statusCode())
        .isEqualTo(204);
    assertThat(generation(user.key(), ids.get(0)).path("status").asString()).isEqualTo("COMPLETED");
  }

  /** The shipped image-to-image graph, stored by the admin with two designated inputs. */
  private String designatedImageToImage(String alias) {
    JsonNode graph =
        json(get("/api/v1/workflows/" + workflowId(ADMIN_KEY, "SD image-to-image"), ADMIN_KEY))
            .path("workflow");
    ObjectNode body = JSON.createObjectNode();
    body.put("name", alias);
    body.put("description", "the bridge's image-to-image");
    body.set("workflow", graph);
    body.putArray("inputs").add(key("6/text")).add(key("10/image"));
    HttpResponse<String> created = post("/api/v1/workflows", ADMIN_KEY, body.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private static ObjectNode key(String key) {
    return JSON.createObjectNode().put("key", key);
  }
}
