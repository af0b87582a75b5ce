package io.gpufleet.simulator.ollama;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/chat} and {@code /api/generate}: streamed NDJSON by default, one object with {@code
 * stream: false}; an empty conversation (or prompt) only loads the model, or unloads it with {@code
 * keep_alive: 0}.
 */
final class InferenceRoutes {

  private static final long DROP_DELAY_NANOS = 150_000_000L;

  private final OllamaSimulator sim;

  InferenceRoutes(OllamaSimulator sim) {
    this.sim = sim;
  }

  /** What a request asks for, common to chat and generate. */
  private record Ask(
      OllamaModelSpec model,
      String prompt,
      boolean hasImages,
      boolean stream,
      Duration keepAlive,
      int maxTokens) {}

  void chat(Exchange ex) throws IOException {
    JsonNode body = ex.jsonBody();
    StringBuilder prompt = new StringBuilder();
    boolean images = false;
    JsonNode messages = body.path("messages");
    for (JsonNode message : messages) {
      String role = message.path("role").asString("");
      if (!List.of("system", "user", "assistant", "tool").contains(role)) {
        throw new Exchange.Failure(400, "invalid message role: " + role);
      }
      prompt.append(message.path("content").asString("")).append('\n');
      images |= message.path("images").size() > 0;
    }
    Ask ask = ask(body, prompt.toString(), images);
    if (messages.isEmpty()) {
      loadOrUnload(ex, ask, true);
      return;
    }
    answer(ex, ask, true, lastUserMessage(messages));
  }

  void generate(Exchange ex) throws IOException {
    JsonNode body = ex.jsonBody();
    String prompt = body.path("prompt").asString("");
    String system = body.path("system").asString("");
    Ask ask = ask(body, system + "\n" + prompt, body.path("images").size() > 0);
    if (prompt.isEmpty()) {
      loadOrUnload(ex, ask, false);
      return;
    }
    answer(ex, ask, false, prompt);
  }

  private Ask ask(JsonNode body, String prompt, boolean images) {
    String name = body.path("model").asString("");
    if (name.isEmpty()) {
      throw new Exchange.Failure(400, "model is required");
    }
    OllamaModelSpec model =
        sim.models
            .find(name)
            .orElseThrow(
                () ->
                    new Exchange.Failure(
                        404, "model \"" + name + "\" not found, try pulling it first"));
    if (images && !model.vision()) {
      throw new Exchange.Failure(
          400, "model \"" + model.name() + "\" does not support image input");
    }
    int max = sim.config.answerTokens();
    int numPredict = body.path("options").path("num_predict").asInt(-1);
    if (numPredict > 0) {
      max = Math.min(max, numPredict);
    }
    return new Ask(
        model,
        prompt,
        images,
        body.path("stream").asBoolean(true),
        KeepAlive.parse(body.path("keep_alive"), sim.config.defaultKeepAlive()),
        max);
  }

  private void loadOrUnload(Exchange ex, Ask ask, boolean chat) throws IOException {
    boolean unload = ask.keepAlive().isZero();
    long loadNanos = unload ? 0 : load(ask.model());
    sim.models.keep(ask.model(), ask.keepAlive());
    ObjectNode done = head(ask.model(), chat, "");
    done.put("done_reason", unload ? "unload" : "load");
    done.put("done", true);
    if (!unload) {
      done.put("load_duration", loadNanos);
      done.put("total_duration", loadNanos);
    }
    if (ask.stream()) {
      ex.startStream();
      ex.line(done);
      ex.endStream();
    } else {
      ex.json(200, done);
    }
  }

  private void answer(Exchange ex, Ask ask, boolean chat, String question) throws IOException {
    long started = System.nanoTime();
    long loadNanos = load(ask.model());
    List<String> tokens = Answers.tokens(ask.model().name(), question, ask.maxTokens());
    long perToken = Math.round(1_000_000_000L / sim.tokensPerSecond());
    int promptTokens = Answers.promptTokens(ask.prompt()) + (ask.hasImages() ? 576 : 0);
    String reason = tokens.size() < sim.config.answerTokens() ? "length" : "stop";
    if (ask.stream()) {
      int dropAfter = sim.faults.takeDropAfter();
      ex.startStream();
      for (int i = 0; i < tokens.size(); i++) {
        if (i == dropAfter) {
          // the runner dies a moment after its last token, so that the client has read what
          // came before the connection breaks
          pause(DROP_DELAY_NANOS);
          throw new Exchange.Dropped();
        }
        pause(perToken);
        ex.line(head(ask.model(), chat, tokens.get(i)).put("done", false));
      }
      ex.line(
          done(ask.model(), chat, "", reason, started, loadNanos, promptTokens, tokens, perToken));
      ex.endStream();
    } else {
      pause(perToken * tokens.size());
      ex.json(
          200,
          done(
              ask.model(),
              chat,
              String.join("", tokens),
              reason,
              started,
              loadNanos,
              promptTokens,
              tokens,
              perToken));
    }
    sim.models.keep(ask.model(), ask.keepAlive());
    sim.served(ask.model().name(), tokens.size());
  }

  private ObjectNode done(
      OllamaModelSpec model,
      boolean chat,
      String content,
      String reason,
      long started,
      long loadNanos,
      int promptTokens,
      List<String> tokens,
      long perToken) {
    ObjectNode done = head(model, chat, content);
    done.put("done", true);
    done.put("done_reason", reason);
    if (!chat) {
      var context = done.putArray("context");
      for (int i = 0; i < promptTokens + tokens.size(); i++) {
        context.add(1000 + Math.floorMod((model.name() + i).hashCode(), 30000));
      }
    }
    long evalNanos = perToken * tokens.size();
    long promptNanos = promptTokens * 2_000_000L;
    done.put("total_duration", Math.max(System.nanoTime() - started, loadNanos + evalNanos));
    done.put("load_duration", loadNanos);
    done.put("prompt_eval_count", promptTokens);
    done.put("prompt_eval_duration", promptNanos);
    done.put("eval_count", tokens.size());
    done.put("eval_duration", evalNanos);
    return done;
  }

  private ObjectNode head(OllamaModelSpec model, boolean chat, String content) {
    ObjectNode node = Exchange.MAPPER.createObjectNode();
    node.put("model", model.name());
    node.put("created_at", Instant.now(sim.config.clock()).toString());
    if (chat) {
      node.putObject("message").put("role", "assistant").put("content", content);
    } else {
      node.put("response", content);
    }
    return node;
  }

  /** Loads the model if it is not in memory; answers the nanoseconds that took. */
  private long load(OllamaModelSpec model) {
    if (sim.models.isLoaded(model.name())) {
      return 1_200_000L;
    }
    long delay = sim.config.loadDelay().toNanos();
    pause(delay);
    sim.models.keep(model, sim.config.defaultKeepAlive());
    return Math.max(delay, 25_000_000L);
  }

  private void pause(long nanos) {
    try {
      sim.faults.awaitNotHung(sim::running);
      if (nanos > 0) {
        Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exchange.Failure(500, "interrupted");
    }
  }

  private static String lastUserMessage(JsonNode messages) {
    String last = "";
    for (JsonNode message : messages) {
      if ("user".equals(message.path("role").asString(""))) {
        last = message.path("content").asString("");
      }
    }
    return last;
  }
}
