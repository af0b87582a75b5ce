package io.gpufleet.api.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The local store passes the contract, in a directory of its own. */
class LocalResultStoreTest extends ResultStoreContract {

  private LocalResultStore store;

  @BeforeEach
  void open() {
    store = new LocalResultStore(work.resolve("results"));
  }

  @Override
  ResultStore store() {
    return store;
  }

  @Test
  void itSignsNoUrlsSoDownloadsGoThroughThePlatform() throws IOException {
    UUID generation = UUID.randomUUID();
    store.put(generation, "0.png", file("a", 10), "image/png");

    assertThat(store.presignedUrl(generation, "0.png", "image/png", Duration.ofMinutes(5)))
        .isEqualTo(java.util.Optional.<URI>empty());
  }

  @Test
  void theLastFileOfAGenerationTakesItsFolderWithIt() throws IOException {
    UUID generation = UUID.randomUUID();
    store.put(generation, "0.png", file("a", 10), "image/png");

    store.delete(generation, "0.png");

    assertThat(work.resolve("results").resolve(generation.toString())).doesNotExist();
  }
}
