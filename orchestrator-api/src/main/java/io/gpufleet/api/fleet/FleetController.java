package io.gpufleet.api.fleet;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.accounting.BudgetGuard;
import io.gpufleet.scheduler.accounting.BudgetSettings;
import io.gpufleet.scheduler.accounting.FleetSpend;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What the fleet is, costs and does, for the dashboard. */
@RestController
@RequestMapping("/api/v1/fleet")
@PreAuthorize("hasRole('ADMIN')")
class FleetController {

  private static final int MAX_POINTS = 500;

  private final ServerRepository servers;
  private final FleetSpend spend;
  private final BudgetGuard budget;
  private final BudgetSettings budgetSettings;
  private final ObjectProvider<GenerationFigures> figures;
  private final ObjectProvider<LanguageModelSpend> llmSpend;
  private final Clock clock;

  FleetController(
      ServerRepository servers,
      FleetSpend spend,
      BudgetGuard budget,
      BudgetSettings budgetSettings,
      ObjectProvider<GenerationFigures> figures,
      ObjectProvider<LanguageModelSpend> llmSpend,
      Clock clock) {
    this.servers = servers;
    this.spend = spend;
    this.budget = budget;
    this.budgetSettings = budgetSettings;
    this.figures = figures;
    this.llmSpend = llmSpend;
    this.clock = clock;
  }

  @GetMapping("/summary")
  Summary summary() {
    Map<ServerStatus, Long> byStatus = new EnumMap<>(ServerStatus.class);
    Map<HealthState, Long> byHealth = new EnumMap<>(HealthState.class);
    for (Server server : servers.findAll()) {
      if (server.getStatus() == ServerStatus.DESTROYED) {
        continue;
      }
      byStatus.merge(server.getStatus(), 1L, Long::sum);
      if (server.getStatus() == ServerStatus.RUNNING) {
        byHealth.merge(server.getHealth().state(), 1L, Long::sum);
      }
    }
    GenerationFigures generations = figures.getIfAvailable(() -> GenerationFigures.NONE);
    Instant now = Instant.now(clock);
    GenerationFigures.Outcomes lastHour = generations.outcomes(now.minus(Duration.ofHours(1)), now);
    FleetSpend.Spend today = spend.today();
    FleetSpend.Spend month = spend.thisMonth();
    LanguageModelSpend llm = llmSpend.getIfAvailable(() -> LanguageModelSpend.NONE);
    BigDecimal llmToday = llm.spent(today.from(), today.to());
    BigDecimal llmMonth = llm.spent(month.from(), month.to());
    return new Summary(
        new ServerCounts(byStatus, byHealth),
        spend.pricePerHourNow(),
        today.total().add(llmToday),
        month.total().add(llmMonth),
        llmToday,
        llmMonth,
        generations.queueDepth(),
        generations.running(),
        lastHour.completed(),
        lastHour.failed(),
        lastHour.successRate(),
        new Budget(
            budgetSettings.daily(),
            budgetSettings.monthly(),
            budgetSettings.stopRunning(),
            budget.exceeded().orElse(null)),
        now);
  }

  /**
   * Time series for charts over the last {@code window} in steps of {@code step} (ISO-8601
   * durations like {@code PT24H}, or {@code 24h}, {@code 15m}).
   */
  @GetMapping("/metrics")
  Metrics metrics(
      @RequestParam(defaultValue = "24h") String window,
      @RequestParam(defaultValue = "1h") String step) {
    Duration windowLength = duration("window", window);
    Duration stepLength = duration("step", step);
    if (windowLength.compareTo(stepLength) < 0) {
      throw ApiException.invalidField("step", "must not be longer than the window");
    }
    if (windowLength.dividedBy(stepLength) > MAX_POINTS) {
      throw ApiException.invalidField(
          "step", "gives more than " + MAX_POINTS + " points; choose a longer one");
    }
    Instant to = Instant.now(clock);
    Instant from = to.minus(windowLength);
    GenerationFigures generations = figures.getIfAvailable(() -> GenerationFigures.NONE);
    List<GenerationFigures.StepFigures> genSteps = generations.series(from, to, stepLength);
    List<Point> points = new ArrayList<>();
    int index = 0;
    for (Instant at = from; at.isBefore(to); at = at.plus(stepLength), index++) {
      Instant end = at.plus(stepLength).isAfter(to) ? to : at.plus(stepLength);
      FleetSpend.Spend cost = spend.spent(at, end);
      double hours = Duration.between(at, end).toMillis() / 3_600_000.0;
      GenerationFigures.StepFigures g = index < genSteps.size() ? genSteps.get(index) : null;
      long done = g == null ? 0 : g.completed();
      points.add(
          new Point(
              at,
              cost.total(),
              hours == 0
                  ? BigDecimal.ZERO
                  : cost.total().divide(BigDecimal.valueOf(hours), 4, RoundingMode.HALF_UP),
              done,
              g == null ? 0 : g.failed(),
              g == null ? 0 : g.medianWaitSeconds(),
              g == null ? 0 : g.p95WaitSeconds(),
              g == null ? 0 : g.medianRunSeconds(),
              g == null ? 0 : g.p95RunSeconds(),
              done == 0
                  ? null
                  : cost.total().divide(BigDecimal.valueOf(done), 4, RoundingMode.HALF_UP)));
    }
    return new Metrics(from, to, stepLength.toSeconds(), points);
  }

  private static final java.util.regex.Pattern SHORT =
      java.util.regex.Pattern.compile("(\\d{1,6})([smhd])");

  private static Duration duration(String field, String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    Duration parsed;
    java.util.regex.Matcher shortForm = SHORT.matcher(value);
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      parsed =
          switch (shortForm.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else {
      try {
        parsed = Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw ApiException.invalidField(field, "must be a duration like 24h, 15m, 7d or PT1H");
      }
    }
    if (parsed.isNegative() || parsed.isZero() || parsed.compareTo(Duration.ofDays(92)) > 0) {
      throw ApiException.invalidField(field, "must be between 1 s and 92 days");
    }
    return parsed;
  }

  record ServerCounts(Map<ServerStatus, Long> byStatus, Map<HealthState, Long> byHealth) {}

  record Budget(
      @Nullable BigDecimal daily,
      @Nullable BigDecimal monthly,
      boolean stopsRunningServers,
      @Nullable String warning) {}

  record Summary(
      ServerCounts servers,
      BigDecimal pricePerHour,
      BigDecimal spentToday,
      BigDecimal spentThisMonth,
      BigDecimal llmSpentToday,
      BigDecimal llmSpentThisMonth,
      long queueDepth,
      long running,
      long completedLastHour,
      long failedLastHour,
      double successRate,
      Budget budget,
      Instant at) {}

  record Point(
      Instant at,
      BigDecimal cost,
      BigDecimal pricePerHour,
      long completed,
      long failed,
      double medianWaitSeconds,
      double p95WaitSeconds,
      double medianRunSeconds,
      double p95RunSeconds,
      @Nullable BigDecimal costPerGeneration) {}

  record Metrics(Instant from, Instant to, long stepSeconds, List<Point> points) {}
}
