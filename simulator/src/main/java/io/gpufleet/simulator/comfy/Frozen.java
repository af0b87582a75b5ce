package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * The requests a frozen simulator holds: kept pending (no thread waits for them) until it thaws,
 * then dropped with their connections, as a restarted or unstuck process would have lost them.
 */
final class Frozen {
  private record Held(Request request, Callback callback) {}

  private boolean frozen;
  private final List<Held> held = new ArrayList<>();

  synchronized void freeze() {
    frozen = true;
  }

  synchronized boolean hold(Request request, Callback callback) {
    if (!frozen) {
      return false;
    }
    held.add(new Held(request, callback));
    return true;
  }

  void thaw() {
    List<Held> dropped;
    synchronized (this) {
      frozen = false;
      dropped = List.copyOf(held);
      held.clear();
    }
    for (Held h : dropped) {
      try {
        h.request().getConnectionMetaData().getConnection().getEndPoint().close();
        h.callback().failed(new IOException("the simulated ComfyUI was frozen"));
      } catch (RuntimeException e) {
        // its caller hung up long ago; nothing is left to drop
      }
    }
  }
}
