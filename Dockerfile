# nasflow image: the CLI (worker, stopper, surrogate, search, report, ...) on a Java 17 runtime, with what DJL specs
# need: the recipes and the bundled data (activities/), the specs (workflows/) and DJL's CPU PyTorch engine (in lib/).
#   docker build -t nasflow .            (docker-compose.yml builds it for the worker, stopper and surrogate)
#   docker run --rm nasflow --help
# Artifacts (checkpoints, trained parameters) go to /opt/nasflow/artifacts: mount a volume shared by every worker
# there (docker-compose.yml: named volume nasflow-artifacts), so a candidate retried on another worker resumes from
# its checkpoint and `nasflow export` / `retrain` find it. The GPU variant is ops/docker/Dockerfile.gpu.
# Build stage: Maven resolves the dependencies first (cached layer while pom.xml is unchanged), then packages
# target/nasflow.jar + target/lib (tests are run by CI, not here).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="nasflow" \
      org.opencontainers.image.description="Neural architecture search as durable Temporal workflows"
# fixed uid/gid 10001: a host directory or a Kubernetes volume for the artifacts is made writable for it
# (chown 10001:10001 DIR; securityContext fsGroup 10001)
RUN groupadd --system --gid 10001 nasflow \
    && useradd --system --uid 10001 --gid 10001 --home-dir /opt/nasflow --shell /usr/sbin/nologin nasflow
WORKDIR /opt/nasflow
COPY --from=build /src/target/nasflow.jar /opt/nasflow/nasflow.jar
COPY --from=build /src/target/lib /opt/nasflow/lib
COPY workflows /opt/nasflow/workflows
# recipes (trainer.recipe, relative to activities/) and the bundled Fashion-MNIST subset (data.path of the DJL specs)
COPY activities /opt/nasflow/activities
RUN printf '#!/bin/sh\nexec java ${NASFLOW_JAVA_OPTS:-} -jar /opt/nasflow/nasflow.jar "$@"\n' > /usr/local/bin/nasflow \
    && chmod 755 /usr/local/bin/nasflow \
    && mkdir -p /opt/nasflow/work /opt/nasflow/artifacts /opt/nasflow/cache/djl \
    && chown -R nasflow:nasflow /opt/nasflow/work /opt/nasflow/artifacts /opt/nasflow/cache
# DJL extracts its PyTorch native library once per container into DJL_CACHE_DIR (offline: it ships in lib/)
ENV NASFLOW_HOME=/opt/nasflow \
    DJL_OFFLINE=true \
    DJL_CACHE_DIR=/opt/nasflow/cache/djl \
    ENGINE_CACHE_DIR=/opt/nasflow/cache/djl \
    NASFLOW_JAVA_OPTS="-XX:MaxRAMPercentage=75"
USER 10001:10001
# worker 9465, stopper 9466, surrogate 9467: Prometheus metrics (--metrics-port)
EXPOSE 9465 9466 9467
CMD ["nasflow", "worker", "--temporal", "temporal:7233", "--kafka", "kafka:9092", "--metrics-port", "9465"]
