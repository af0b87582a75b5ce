package io.gpufleet.comfy;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code /system_stats}: server version and the devices it sees (memory in bytes). */
public record SystemStats(
    String comfyuiVersion, String os, long ramTotal, long ramFree, List<Device> devices) {
  public SystemStats {
    devices = List.copyOf(devices);
  }

  public record Device(
      String name, String type, @Nullable Integer index, long vramTotal, long vramFree) {}
}
