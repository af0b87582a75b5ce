package io.gpufleet.simulator.vast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hands out ports that were free a moment ago; an instance keeps its ports until destroyed. */
final class FreeLocalPorts implements InstanceHosts {
  private final Map<Long, Map<Integer, Integer>> assigned = new HashMap<>();

  @Override
  public synchronized Map<Integer, Integer> started(Launch launch) {
    Map<Integer, Integer> ports =
        assigned.computeIfAbsent(launch.instanceId(), id -> new LinkedHashMap<>());
    for (int containerPort : launch.containerPorts()) {
      ports.computeIfAbsent(containerPort, p -> freePort());
    }
    return Map.copyOf(ports);
  }

  @Override
  public void stopped(long instanceId) {}

  @Override
  public synchronized void destroyed(long instanceId) {
    assigned.remove(instanceId);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }
}
