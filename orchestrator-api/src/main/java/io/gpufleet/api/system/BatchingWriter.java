package io.gpufleet.api.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many threads hand their item to one thread, which takes whatever has gathered meanwhile (up to a
 * most) and does it in one go: one transaction for many callers instead of one each. Each caller
 * waits for its own item's outcome, or is told the database is busy when it does not come in time.
 *
 * @param <I> what a caller hands over
 * @param <O> what it gets back
 */
public final class BatchingWriter<I, O> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BatchingWriter.class);

  /** One caller's item, and where its outcome goes. */
  public record Item<I, O>(I input, CompletableFuture<O> outcome) {}

  private final String name;
  private final int maxBatch;
  private final Duration patience;
  private final Consumer<List<Item<I, O>>> work;
  private final Supplier<RuntimeException> busy;
  private final BlockingQueue<Item<I, O>> pending = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Starts the thread {@code name}. {@code work} completes the outcome of every item of its batch;
   * one it leaves undone, or all of them when it throws, fails with what it threw.
   */
  public BatchingWriter(
      String name,
      int maxBatch,
      Duration patience,
      Consumer<List<Item<I, O>>> work,
      Supplier<RuntimeException> busy) {
    this.name = name;
    this.maxBatch = maxBatch;
    this.patience = patience;
    this.work = work;
    this.busy = busy;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands {@code input} over and waits for its outcome; what the work threw is thrown here. */
  public O write(I input) {
    if (!running) {
      throw busy.get();
    }
    Item<I, O> item = new Item<>(input, new CompletableFuture<>());
    pending.add(item);
    try {
      return item.outcome().get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw busy.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy.get();
    }
  }

  /** Stops the thread; whoever still waits is told the database is busy. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    List<Item<I, O>> left = new ArrayList<>();
    pending.drainTo(left);
    left.forEach(item -> item.outcome().completeExceptionally(busy.get()));
  }

  private void run() {
    List<Item<I, O>> batch = new ArrayList<>(maxBatch);
    while (running) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch, maxBatch - 1);
        work.accept(batch);
        batch.forEach(
            item ->
                item.outcome()
                    .completeExceptionally(new IllegalStateException(name + " left it undone")));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        log.warn("{}: a batch of {} failed: {}", name, batch.size(), e.toString());
        batch.forEach(item -> item.outcome().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }
}
