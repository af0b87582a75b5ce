package io.gpufleet.scheduler.accounting;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.servers.LifecyclePowerActions.StartGuard;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the fleet within its budget: refuses scheduled starts once the day's or the month's budget
 * is spent and, if configured, drains and stops what runs.
 */
@Component
public class BudgetGuard implements StartGuard {

  private static final Logger log = LoggerFactory.getLogger(BudgetGuard.class);

  private final FleetSpend spend;
  private final BudgetSettings settings;
  private final ServerRepository servers;
  private final ServerLifecycle lifecycle;

  BudgetGuard(
      FleetSpend spend,
      BudgetSettings settings,
      ServerRepository servers,
      ServerLifecycle lifecycle) {
    this.spend = spend;
    this.settings = settings;
    this.servers = servers;
    this.lifecycle = lifecycle;
  }

  @Override
  public Optional<String> refuseStart(UUID serverId) {
    return exceeded();
  }

  /** Why the fleet may not spend more now, if it may not. */
  public Optional<String> exceeded() {
    String daily = check("daily", settings.daily(), () -> spend.today().total());
    if (daily != null) {
      return Optional.of(daily);
    }
    return Optional.ofNullable(
        check("monthly", settings.monthly(), () -> spend.thisMonth().total()));
  }

  /**
   * Why the fleet may not take on another server at {@code pricePerHour} now: the budget is spent,
   * or what is left of the day's or the month's would not pay for an hour of it.
   */
  public Optional<String> refuseSpending(BigDecimal pricePerHour) {
    Optional<String> spent = exceeded();
    if (spent.isPresent() || pricePerHour.signum() <= 0) {
      return spent;
    }
    String daily = headroom("daily", settings.daily(), () -> spend.today().total(), pricePerHour);
    return daily != null
        ? Optional.of(daily)
        : Optional.ofNullable(
            headroom("monthly", settings.monthly(), () -> spend.thisMonth().total(), pricePerHour));
  }

  private static @Nullable String headroom(
      String name,
      @Nullable BigDecimal budget,
      java.util.function.Supplier<BigDecimal> spent,
      BigDecimal pricePerHour) {
    if (budget == null) {
      return null;
    }
    BigDecimal left = budget.subtract(spent.get());
    if (left.compareTo(pricePerHour) < 0) {
      return "the "
          + name
          + " budget of $"
          + dollars(budget)
          + " has $"
          + dollars(left.max(BigDecimal.ZERO))
          + " left, less than an hour of another server at up to $"
          + dollars(pricePerHour)
          + "/h";
    }
    return null;
  }

  private static String dollars(BigDecimal amount) {
    return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
  }

  /** Drains and stops running servers when the budget is spent and that is configured. */
  public List<UUID> enforce() {
    Optional<String> reason = exceeded();
    if (reason.isEmpty() || !settings.stopRunning()) {
      return List.of();
    }
    List<Server> running = servers.findByStatusIn(List.of(ServerStatus.RUNNING));
    for (Server server : running) {
      if (!server.getDrain().active()) {
        log.warn("{}; draining and stopping server {}", reason.get(), server.getName());
        lifecycle.stop(server.getId(), true);
      }
    }
    return running.stream().map(Server::getId).toList();
  }

  private static @Nullable String check(
      String name, @Nullable BigDecimal budget, java.util.function.Supplier<BigDecimal> spent) {
    if (budget == null) {
      return null;
    }
    BigDecimal amount = spent.get();
    if (amount.compareTo(budget) >= 0) {
      return "The "
          + name
          + " budget of $"
          + budget.toPlainString()
          + " is spent ($"
          + amount.toPlainString()
          + ")";
    }
    return null;
  }
}
