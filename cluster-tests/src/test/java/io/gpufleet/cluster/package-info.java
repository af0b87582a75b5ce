/**
 * Tests of the deployment: the image (Dockerfile, Jib), the Kubernetes manifests, the compose file
 * and its proxy, the Grafana dashboard. They read {@code ../infra/**} and the built jar. {@code
 * ReplicasIT} runs that jar as several processes on one PostgreSQL.
 */
@NullMarked
package io.gpufleet.cluster;

import org.jspecify.annotations.NullMarked;
