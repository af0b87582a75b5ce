package io.gpufleet.simulator.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Ends processes the way a real server would: a closed SSH session takes down the command's process
 * group, but not a service that moved to a session of its own with {@code setsid}. Linux only
 * ({@code /proc}), as is the sandbox.
 */
final class ProcessTrees {

  private ProcessTrees() {}

  /**
   * Terminates {@code leader} and every descendant in its process group: SIGTERM, then SIGKILL for
   * whatever is still alive after {@code grace}.
   */
  static void terminateGroup(ProcessHandle leader, Duration grace) {
    List<ProcessHandle> members = new ArrayList<>();
    long group = leader.pid();
    leader
        .descendants()
        .filter(p -> processGroup(p.pid()).orElse(-1) == group)
        .forEach(members::add);
    members.add(leader);
    terminate(members, grace);
  }

  /** Terminates every process whose environment carries {@code name=value}. */
  static void terminateMarked(String name, String value, Duration grace) {
    byte[] marker = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> marked = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> environmentContains(p.pid(), marker))
        .forEach(marked::add);
    terminate(marked, grace);
  }

  /**
   * Terminates every process whose environment carries {@code name} with a value inside {@code
   * root} (the sandboxes of one work root, whatever left them running).
   */
  static int terminateMarkedUnder(String name, Path root, Duration grace) {
    byte[] prefix =
        (name + "=" + root.toAbsolutePath().normalize() + "/").getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> marked = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> environmentStartsWith(p.pid(), prefix))
        .forEach(marked::add);
    terminate(marked, grace);
    return marked.size();
  }

  private static void terminate(List<ProcessHandle> processes, Duration grace) {
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle process : processes) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          process.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (Exception e) {
          // still alive: killed below
        }
      }
    }
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  static OptionalLong processGroup(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (comm) state ppid pgrp ...": comm may hold anything, so read after its ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalLong.of(Long.parseLong(fields[2]));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static boolean environmentStartsWith(long pid, byte[] prefix) {
    byte[] env;
    try {
      env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
    outer:
    for (int start = 0; start + prefix.length <= env.length; start++) {
      if (start > 0 && env[start - 1] != 0) {
        continue;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (env[start + i] != prefix[i]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean environmentContains(long pid, byte[] entry) {
    byte[] env;
    try {
      env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
    outer:
    for (int start = 0; start + entry.length <= env.length; start++) {
      if (start > 0 && env[start - 1] != 0) {
        continue;
      }
      for (int i = 0; i < entry.length; i++) {
        if (env[start + i] != entry[i]) {
          continue outer;
        }
      }
      int end = start + entry.length;
      if (end == env.length || env[end] == 0) {
        return true;
      }
    }
    return false;
  }
}
