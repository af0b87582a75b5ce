package io.gpufleet.benchmarks.autoscale;

/** One strategy's week: dollars, queue waits in seconds, starts and rentals, failed starts. */
record Result(
    String strategy,
    double cost,
    double p50Wait,
    double p95Wait,
    int serversStarted,
    int failedStarts,
    int jobs) {}
