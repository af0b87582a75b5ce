package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The order nodes run in and the signatures the classic cache keys them by. */
final class PromptGraph {
  private PromptGraph() {}

  static boolean isLink(JsonNode prompt, JsonNode v) {
    return v.isArray() && v.size() == 2 && v.get(0).isString() && prompt.has(v.get(0).asString());
  }

  /** Dependency order from the outputs, inputs first (inputs sorted by name: deterministic). */
  static List<String> executionOrder(JsonNode prompt, List<String> outputs) {
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (String out : outputs) {
      visit(prompt, out, done, order);
    }
    return order;
  }

  private static void visit(JsonNode prompt, String id, Set<String> done, List<String> order) {
    if (!done.add(id)) {
      return;
    }
    Map<String, JsonNode> inputs = new TreeMap<>();
    prompt.path(id).path("inputs").forEachEntry(inputs::put);
    for (JsonNode v : inputs.values()) {
      if (isLink(prompt, v)) {
        visit(prompt, v.get(0).asString(), done, order);
      }
    }
    order.add(id);
  }

  /**
   * Each node's class and inputs with its upstream signatures folded in; a node that reads a file
   * adds the file's hash, one that always runs a fresh nonce (ComfyUI's IS_CHANGED).
   */
  static Map<String, String> signatures(JsonNode prompt, List<String> order, FileStore files) {
    Map<String, String> memo = new HashMap<>();
    order.forEach(id -> signature(prompt, id, memo, files));
    return memo;
  }

  private static String signature(
      JsonNode prompt, String id, Map<String, String> memo, FileStore files) {
    String known = memo.get(id);
    if (known != null) {
      return known;
    }
    JsonNode node = prompt.path(id);
    String classType = node.path("class_type").asString("");
    StringBuilder b = new StringBuilder(classType).append('{');
    Map<String, JsonNode> inputs = new TreeMap<>();
    node.path("inputs").forEachEntry(inputs::put);
    inputs.forEach(
        (k, v) -> {
          b.append(k).append('=');
          if (isLink(prompt, v)) {
            b.append('<')
                .append(signature(prompt, v.get(0).asString(), memo, files))
                .append('#')
                .append(v.get(1))
                .append('>');
          } else {
            b.append(v);
          }
          b.append(';');
        });
    String fileInput = NodeBehaviours.READS_FILE.get(classType);
    if (fileInput != null) {
      b.append("file=")
          .append(hash(files.annotated(node.path("inputs").path(fileInput).asString(""))));
    }
    if (NodeBehaviours.NEVER_CACHED.contains(classType)) {
      b.append("nonce=").append(UUID.randomUUID());
    }
    String sig = b.append('}').toString();
    memo.put(id, sig);
    return sig;
  }

  private static String hash(@Nullable Path file) {
    if (file == null || !Files.isRegularFile(file)) {
      return "missing";
    }
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      return "unreadable";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
