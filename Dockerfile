# GPU Fleet's container image, from the jar the build makes:
#   ./mvnw -B -DskipTests package && docker build -t gpufleet .
# Every setting comes from the environment (docs/operations.md lists them); nothing is baked in.
# The same image without Docker: the Jib profile of orchestrator-api (-Pimage).

# A JRE on glibc (not Alpine): the embedded PostgreSQL that runs when no SPRING_DATASOURCE_URL is
# set ships glibc binaries.
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

FROM ${JRE_IMAGE} AS layers
WORKDIR /build
COPY orchestrator-api/target/gpufleet.jar application.jar
# Spring Boot's layers, each its own image layer, least likely to change first:
# dependencies, spring-boot-loader, snapshot-dependencies, application.
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

FROM ${JRE_IMAGE}
# curl for the health check; nothing else is added to the base.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 gpufleet \
    && useradd --system --uid 10001 --gid gpufleet --home-dir /app --shell /usr/sbin/nologin gpufleet \
    && mkdir -p /data \
    && chown gpufleet:gpufleet /data
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./

USER 10001:10001
ENV PORT=8080 \
    GPUFLEET_DATA_DIR=/data
EXPOSE 8080
# Results, uploads and (without SPRING_DATASOURCE_URL) the embedded database live here.
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/actuator/health/readiness" || exit 1
# exec form: java is PID 1 and gets SIGTERM itself, so shutdown is graceful.
# Add JVM options with JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "org.springframework.boot.loader.launch.JarLauncher"]
