package io.gpufleet.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Numbered events: what a notification carries, and a subscriber that resumes. */
class EventNumbersTest {

  private static final UUID ID = UUID.randomUUID();

  @Test
  void aNotificationCarriesTheNumberBeforeTheEvent() {
    GenerationEvent event = new GenerationEvent("generation.progress", ID, Map.of("progress", 40));
    GenerationEvent heard = GenerationEventBus.decode("42 " + GenerationEventBus.encode(event));

    assertThat(heard).isNotNull();
    assertThat(heard.sequence()).isEqualTo(42);
    assertThat(heard.type()).isEqualTo("generation.progress");
    assertThat(heard.data()).containsEntry("progress", 40);
    // an older replica's bare JSON is still heard, unnumbered
    assertThat(GenerationEventBus.decode(GenerationEventBus.encode(event)).sequence()).isZero();
    assertThat(GenerationEventBus.decode("x {}")).isNull();
  }

  @Test
  void dataTooLargeForANotificationIsMarkedForTheRowToBeRead() {
    GenerationEvent big =
        new GenerationEvent("execution.output", ID, Map.of("text", "x".repeat(10_000)));

    String payload = GenerationEventBus.encode(big);

    assertThat(payload.length()).isLessThan(GenerationEventBus.MAX_PAYLOAD);
    assertThat(GenerationEventBus.decode("7 " + payload).data())
        .containsEntry(GenerationEventBus.PARTIAL, true);
  }

  @Test
  void aResumingSubscriberGetsStoredThenLiveEventsOnceEachInOrder() {
    List<Long> got = new ArrayList<>();
    ResumingSubscriber subscriber = new ResumingSubscriber(e -> got.add(e.sequence()), 10);

    subscriber.accept(event(13)); // live, while the replay runs
    subscriber.accept(event(14));
    subscriber.replayed(List.of(event(11), event(12), event(13)));
    subscriber.accept(event(14)); // heard twice
    subscriber.accept(event(9)); // before the position
    subscriber.accept(event(15));

    assertThat(got).containsExactly(11L, 12L, 13L, 14L, 15L);
  }

  @Test
  void seenNumbersForgetTheOldestButNeverLetThemBackIn() {
    SeenEvents seen = new SeenEvents(3, 0);
    for (long n = 1; n <= 5; n++) {
      assertThat(seen.first(n)).isTrue();
    }
    assertThat(seen.first(1)).isFalse();
    assertThat(seen.first(5)).isFalse();
    assertThat(seen.first(0)).as("unnumbered").isTrue();
    assertThat(seen.highest()).isEqualTo(5);
  }

  private static GenerationEvent event(long seq) {
    return new GenerationEvent("generation.progress", ID, Map.of(), seq);
  }
}
