package io.gpufleet.simulator.ollama;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic answers: the same model and prompt always give the same tokens, so tests can assert
 * on the text. The first token is a bare word, the others start with a space, as in Ollama's
 * streams.
 */
final class Answers {

  private static final String[] WORDS = {
    "the", "fleet", "server", "model", "answer", "quickly", "simulated", "token", "stream",
    "steady", "bright", "river", "lighthouse", "quiet", "engine", "harbor", "signal", "north",
    "careful", "gentle", "window", "garden", "orbit", "silver"
  };

  private Answers() {}

  /** Up to {@code count} tokens answering {@code prompt}. */
  static List<String> tokens(String model, String prompt, int count) {
    List<String> tokens = new ArrayList<>(count);
    tokens.add("Simulated");
    tokens.add(" answer");
    tokens.add(" from");
    tokens.add(" " + model.replace(":latest", ""));
    tokens.add(":");
    Random random = new Random(((long) model.hashCode() << 32) ^ prompt.hashCode());
    while (tokens.size() < count) {
      tokens.add(" " + WORDS[random.nextInt(WORDS.length)]);
    }
    List<String> out = new ArrayList<>(tokens.subList(0, count));
    if (count == tokens.size() && count > 5) {
      out.set(count - 1, out.get(count - 1) + ".");
    }
    return out;
  }

  /** A rough token count of a prompt: its words and punctuation, at least one. */
  static int promptTokens(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (!inWord) {
          count++;
          inWord = true;
        }
      } else {
        inWord = false;
        if (!Character.isWhitespace(c)) {
          count++;
        }
      }
    }
    return Math.max(1, count);
  }
}
