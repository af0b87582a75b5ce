package io.gpufleet.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The root Dockerfile as its instructions: continuation lines joined, comments left out. */
record Dockerfile(List<Instruction> instructions) {

  record Instruction(String keyword, String arguments, int stage) {}

  /** Spring Boot's layers, in the order an image should stack them (least changing first). */
  static final List<String> LAYERS =
      List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

  static Dockerfile read() {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int stage = -1;
    for (String line : Repo.read("Dockerfile").split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String whole = current.toString().strip();
      current.setLength(0);
      if (whole.isEmpty()) {
        continue;
      }
      int space = whole.indexOf(' ');
      String keyword = whole.substring(0, space).toUpperCase(Locale.ROOT);
      if (keyword.equals("FROM")) {
        stage++;
      }
      instructions.add(new Instruction(keyword, whole.substring(space + 1).strip(), stage));
    }
    return new Dockerfile(instructions);
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The instructions of the last stage: what the image is. */
  List<Instruction> image(String keyword) {
    int last = instructions.get(instructions.size() - 1).stage();
    return all(keyword).stream().filter(i -> i.stage() == last).toList();
  }

  String one(String keyword) {
    List<Instruction> found = image(keyword);
    if (found.size() != 1) {
      throw new AssertionError("the image has " + found.size() + " " + keyword + " instructions");
    }
    return found.get(0).arguments();
  }
}
