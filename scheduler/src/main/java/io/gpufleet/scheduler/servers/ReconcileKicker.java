package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.servers.ServerLifecycle.ServerCommanded;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Looks at a server as soon as an admin or a schedule told it something, instead of at the next
 * reconcile tick, and follows it while each step leads straight to the next.
 */
@Component
class ReconcileKicker implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ReconcileKicker.class);
  private static final int MAX_STEPS = 5;

  private final Reconciler reconciler;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          2,
          runnable -> {
            Thread thread = new Thread(runnable, "reconcile-kick");
            thread.setDaemon(true);
            return thread;
          });

  ReconcileKicker(Reconciler reconciler) {
    this.reconciler = reconciler;
  }

  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
  void on(ServerCommanded command) {
    executor.execute(
        () -> {
          try {
            ServerStatus before = null;
            for (int step = 0; step < MAX_STEPS; step++) {
              ServerStatus now = reconciler.reconcile(command.serverId());
              if (now == before) {
                return;
              }
              before = now;
            }
          } catch (RuntimeException e) {
            log.info("Reconciling server {} failed: {}", command.serverId(), e.getMessage());
          }
        });
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
