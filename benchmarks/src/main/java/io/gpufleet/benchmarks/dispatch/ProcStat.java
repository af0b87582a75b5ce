package io.gpufleet.benchmarks.dispatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Linux's {@code /proc} says about a process: CPU time (fields utime and stime of {@code
 * /proc/<pid>/stat}, in clock ticks), its thread count, its children. A process that has gone
 * counts as zero.
 */
final class ProcStat {

  /** USER_HZ: 100 on every Linux architecture the JDK runs on ({@code getconf CLK_TCK}). */
  static final double CLOCK_TICKS_PER_SECOND = 100;

  private ProcStat() {}

  static double cpuSeconds(long pid) {
    String[] fields = statFields(pid);
    if (fields.length < 15) {
      return 0;
    }
    return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / CLOCK_TICKS_PER_SECOND;
  }

  /**
   * The fields of a stat line, from 0 (proc(5) numbers them from 1): the command name in
   * parentheses may hold spaces, so fields are split after its closing parenthesis.
   */
  static String[] parseStat(String line) {
    int close = line.lastIndexOf(')');
    int open = line.indexOf('(');
    if (open < 0 || close < open) {
      return new String[0];
    }
    String[] rest = line.substring(close + 2).trim().split(" ");
    String[] fields = new String[rest.length + 2];
    fields[0] = line.substring(0, open).trim();
    fields[1] = line.substring(open + 1, close);
    System.arraycopy(rest, 0, fields, 2, rest.length);
    return fields;
  }

  static int threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring("Threads:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended
    }
    return 0;
  }

  /** The processes whose parent is {@code pid}. */
  static List<Long> children(long pid) {
    List<Long> out = new ArrayList<>();
    for (long candidate : allPids()) {
      String[] fields = statFields(candidate);
      if (fields.length > 3 && fields[3].equals(Long.toString(pid))) {
        out.add(candidate);
      }
    }
    return out;
  }

  /** The first process named {@code name} whose command line contains {@code text}; -1 if none. */
  static long findByCommandLine(String text, String name) {
    for (long pid : allPids()) {
      String[] fields = statFields(pid);
      if (fields.length < 2 || !fields[1].equals(name)) {
        continue;
      }
      try {
        String cmdline =
            new String(
                    Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8)
                .replace('\0', ' ');
        if (cmdline.contains(text)) {
          return pid;
        }
      } catch (IOException gone) {
        // ended meanwhile
      }
    }
    return -1;
  }

  private static String[] statFields(long pid) {
    try {
      return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException gone) {
      return new String[0];
    }
  }

  private static List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
          .forEach(n -> pids.add(Long.parseLong(n)));
    } catch (IOException e) {
      // no /proc: nothing to find
    }
    return pids;
  }
}
