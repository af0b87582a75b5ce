package io.gpufleet.vast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A typed offer search, sent as Vast's operator JSON ({@code {"gpu_ram":{"gte":24000},...}}).
 * Unless told otherwise it asks, like the official CLI, for verified, rentable, not-yet-rented,
 * non-external offers. {@link #matches(Offer)} re-checks an answer, because Vast has been seen to
 * drop filters silently.
 */
public final class OfferQuery {

  /** Pricing type of the search. */
  public enum Type {
    ON_DEMAND("on-demand"),
    BID("bid");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }
  }

  public enum Direction {
    ASC,
    DESC
  }

  /** One {@code order} entry; field is an offer field name such as {@code dph_total}. */
  public record Order(String field, Direction direction) {
    public Order {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(direction, "direction");
    }
  }

  private final @Nullable List<String> gpuNames;
  private final @Nullable Integer numGpus;
  private final @Nullable Long minGpuRamMb;
  private final @Nullable Double minCpuCoresEffective;
  private final @Nullable Long minCpuRamMb;
  private final @Nullable Double minDiskGb;
  private final @Nullable Double minReliability;
  private final @Nullable Double maxDphTotal;
  private final @Nullable List<String> countryCodes;
  private final @Nullable Double minInetDownMbps;
  private final @Nullable Integer minDirectPorts;
  private final @Nullable Boolean verified;
  private final @Nullable Boolean rentable;
  private final @Nullable Boolean rented;
  private final @Nullable Boolean external;
  private final List<Order> order;
  private final Type type;
  private final @Nullable Integer limit;
  private final @Nullable Double allocatedStorageGb;

  private OfferQuery(Builder b) {
    gpuNames = b.gpuNames == null ? null : List.copyOf(b.gpuNames);
    numGpus = b.numGpus;
    minGpuRamMb = b.minGpuRamMb;
    minCpuCoresEffective = b.minCpuCoresEffective;
    minCpuRamMb = b.minCpuRamMb;
    minDiskGb = b.minDiskGb;
    minReliability = b.minReliability;
    maxDphTotal = b.maxDphTotal;
    countryCodes = b.countryCodes == null ? null : List.copyOf(b.countryCodes);
    minInetDownMbps = b.minInetDownMbps;
    minDirectPorts = b.minDirectPorts;
    verified = b.verified;
    rentable = b.rentable;
    rented = b.rented;
    external = b.external;
    order = List.copyOf(b.order);
    type = b.type;
    limit = b.limit;
    allocatedStorageGb = b.allocatedStorageGb;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The body of {@code POST /api/v0/bundles/}. */
  Map<String, Object> toJson() {
    Map<String, Object> q = new LinkedHashMap<>();
    if (verified != null) {
      q.put("verified", op("eq", verified));
    }
    if (external != null) {
      q.put("external", op("eq", external));
    }
    if (rentable != null) {
      q.put("rentable", op("eq", rentable));
    }
    if (rented != null) {
      q.put("rented", op("eq", rented));
    }
    if (gpuNames != null) {
      q.put("gpu_name", gpuNames.size() == 1 ? op("eq", gpuNames.get(0)) : op("in", gpuNames));
    }
    putIf(q, "num_gpus", "eq", numGpus);
    putIf(q, "gpu_ram", "gte", minGpuRamMb);
    putIf(q, "cpu_cores_effective", "gte", minCpuCoresEffective);
    putIf(q, "cpu_ram", "gte", minCpuRamMb);
    putIf(q, "disk_space", "gte", minDiskGb);
    putIf(q, "reliability", "gte", minReliability);
    putIf(q, "dph_total", "lte", maxDphTotal);
    putIf(q, "geolocation", "in", countryCodes);
    putIf(q, "inet_down", "gte", minInetDownMbps);
    putIf(q, "direct_port_count", "gte", minDirectPorts);
    if (!order.isEmpty()) {
      List<List<String>> pairs = new ArrayList<>();
      for (Order o : order) {
        pairs.add(List.of(o.field(), o.direction().name().toLowerCase(Locale.ROOT)));
      }
      q.put("order", pairs);
    }
    q.put("type", type.wire);
    if (limit != null) {
      q.put("limit", limit);
    }
    if (allocatedStorageGb != null) {
      q.put("allocated_storage", allocatedStorageGb);
    }
    return q;
  }

  /** Whether an offer really satisfies the typed filters of this query. */
  public boolean matches(Offer o) {
    return (gpuNames == null || gpuNames.contains(o.gpuName()))
        && (numGpus == null || o.numGpus() == numGpus)
        && (minGpuRamMb == null || o.gpuRamMb() >= minGpuRamMb)
        && (minCpuCoresEffective == null || o.cpuCoresEffective() >= minCpuCoresEffective)
        && (minCpuRamMb == null || o.cpuRamMb() >= minCpuRamMb)
        && (minDiskGb == null || o.diskSpaceGb() >= minDiskGb)
        && (minReliability == null || o.reliability() >= minReliability)
        && (maxDphTotal == null || o.dphTotal() <= maxDphTotal)
        && (countryCodes == null || o.countryCode().filter(countryCodes::contains).isPresent())
        && (minInetDownMbps == null || o.inetDownMbps() >= minInetDownMbps)
        && (minDirectPorts == null || o.directPortCount() >= minDirectPorts)
        && (verified == null || o.verified() == verified)
        && (rentable == null || o.rentable() == rentable);
  }

  private static Map<String, Object> op(String operator, Object value) {
    return Map.of(operator, value);
  }

  private static void putIf(
      Map<String, Object> q, String field, String operator, @Nullable Object value) {
    if (value != null) {
      q.put(field, op(operator, value));
    }
  }

  public static final class Builder {
    private @Nullable List<String> gpuNames;
    private @Nullable Integer numGpus;
    private @Nullable Long minGpuRamMb;
    private @Nullable Double minCpuCoresEffective;
    private @Nullable Long minCpuRamMb;
    private @Nullable Double minDiskGb;
    private @Nullable Double minReliability;
    private @Nullable Double maxDphTotal;
    private @Nullable List<String> countryCodes;
    private @Nullable Double minInetDownMbps;
    private @Nullable Integer minDirectPorts;
    private @Nullable Boolean verified = true;
    private @Nullable Boolean rentable = true;
    private @Nullable Boolean rented = false;
    private @Nullable Boolean external = false;
    private final List<Order> order = new ArrayList<>();
    private Type type = Type.ON_DEMAND;
    private @Nullable Integer limit;
    private @Nullable Double allocatedStorageGb;

    private Builder() {}

    /** Exact Vast name with spaces, e.g. "RTX 4090", "H100 SXM". */
    public Builder gpuName(String gpuName) {
      return gpuNames(gpuName);
    }

    public Builder gpuNames(String... names) {
      if (names.length == 0) {
        throw new IllegalArgumentException("at least one GPU name");
      }
      this.gpuNames = List.of(names);
      return this;
    }

    public Builder numGpus(int numGpus) {
      this.numGpus = positive(numGpus, "numGpus");
      return this;
    }

    /** Memory per GPU in MB, the API's unit. */
    public Builder minGpuRamMb(long mb) {
      this.minGpuRamMb = mb;
      return this;
    }

    /** Memory per GPU in GB; sent as MB ×1000 as the official CLI does. */
    public Builder minGpuRamGb(double gb) {
      this.minGpuRamMb = Math.round(gb * 1000);
      return this;
    }

    public Builder minCpuCoresEffective(double cores) {
      this.minCpuCoresEffective = cores;
      return this;
    }

    public Builder minCpuRamMb(long mb) {
      this.minCpuRamMb = mb;
      return this;
    }

    public Builder minCpuRamGb(double gb) {
      this.minCpuRamMb = Math.round(gb * 1000);
      return this;
    }

    public Builder minDiskGb(double gb) {
      this.minDiskGb = gb;
      return this;
    }

    /** 0..1. */
    public Builder minReliability(double reliability) {
      if (reliability < 0 || reliability > 1) {
        throw new IllegalArgumentException("reliability is between 0 and 1: " + reliability);
      }
      this.minReliability = reliability;
      return this;
    }

    /** Upper bound of {@code dph_total} in $/h. */
    public Builder maxDphTotal(double dollarsPerHour) {
      this.maxDphTotal = dollarsPerHour;
      return this;
    }

    /** Two-letter country codes, e.g. "US", "CA". */
    public Builder countries(String... codes) {
      for (String code : codes) {
        if (code.length() != 2) {
          throw new IllegalArgumentException("country codes have two letters: " + code);
        }
      }
      this.countryCodes = List.of(codes);
      return this;
    }

    public Builder minInetDownMbps(double mbps) {
      this.minInetDownMbps = mbps;
      return this;
    }

    /** Hosts with fewer direct ports can only expose SSH through Vast's gateway. */
    public Builder minDirectPorts(int ports) {
      this.minDirectPorts = ports;
      return this;
    }

    /** {@code null} drops the filter. Default true. */
    public Builder verified(@Nullable Boolean verified) {
      this.verified = verified;
      return this;
    }

    /** {@code null} drops the filter. Default true. */
    public Builder rentable(@Nullable Boolean rentable) {
      this.rentable = rentable;
      return this;
    }

    /** {@code null} drops the filter. Default false: skip machines you already rent on. */
    public Builder rented(@Nullable Boolean rented) {
      this.rented = rented;
      return this;
    }

    /** {@code null} drops the filter. Default false. */
    public Builder external(@Nullable Boolean external) {
      this.external = external;
      return this;
    }

    /** Adds a sort key; earlier keys win. */
    public Builder order(String field, Direction direction) {
      this.order.add(new Order(field, direction));
      return this;
    }

    public Builder type(Type type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** Vast returns only 64 offers when no limit is given. */
    public Builder limit(int limit) {
      this.limit = positive(limit, "limit");
      return this;
    }

    /** Disk you intend to rent, so that {@code dph_total} includes its cost. */
    public Builder allocatedStorageGb(double gb) {
      this.allocatedStorageGb = gb;
      return this;
    }

    public OfferQuery build() {
      return new OfferQuery(this);
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
