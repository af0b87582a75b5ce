package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * The disk under the results, as a switch: while {@link #fill}ed, every write of the result store
 * fails as a full disk fails it ({@code No space left on device}); reads go on. Wraps the store of
 * the one shared test context (component-scanned like every test component); off, it only passes
 * calls through, so the other tests see the real store.
 */
@Component
public class FullDisk implements BeanPostProcessor {

  private final AtomicBoolean full = new AtomicBoolean();
  private final AtomicInteger refused = new AtomicInteger();

  /** Writes fail from now on. */
  public void fill() {
    full.set(true);
  }

  /** Space is back. */
  public void free() {
    full.set(false);
  }

  /** Writes refused since the test context started. */
  public int refusedWrites() {
    return refused.get();
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String name) {
    if (bean instanceof ResultStores stores) {
      return stores.withPrimary(new Store(stores.primary()));
    }
    return bean;
  }

  private final class Store implements ResultStore {
    private final ResultStore disk;

    Store(ResultStore disk) {
      this.disk = disk;
    }

    @Override
    public String kind() {
      return disk.kind();
    }

    @Override
    public Stored put(UUID generation, String file, Path source, String contentType) {
      if (full.get()) {
        refused.incrementAndGet();
        // what LocalResultStore answers when the copy's write fails for want of space
        IOException enospc = new FileSystemException(file, null, "No space left on device");
        throw new StoreUnavailable("could not write " + file + ": " + enospc.getMessage(), enospc);
      }
      return disk.put(generation, file, source, contentType);
    }

    @Override
    public Optional<InputStream> open(UUID generation, String file) throws IOException {
      return disk.open(generation, file);
    }

    @Override
    public Optional<Long> size(UUID generation, String file) {
      return disk.size(generation, file);
    }

    @Override
    public void delete(UUID generation, String file) {
      disk.delete(generation, file);
    }

    @Override
    public Optional<URI> presignedUrl(
        UUID generation, String file, String contentType, Duration ttl) {
      return disk.presignedUrl(generation, file, contentType, ttl);
    }
  }
}
