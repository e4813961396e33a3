# nasflow image: the CLI (worker, stopper, surrogate, search, report, ...) on a Java 17 runtime.
#   docker build -t nasflow .            (docker-compose.yml builds it for the worker, stopper and surrogate)
#   docker run --rm nasflow --help
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
RUN useradd --system --home-dir /opt/nasflow --shell /usr/sbin/nologin nasflow
WORKDIR /opt/nasflow
COPY --from=build /src/target/nasflow.jar /opt/nasflow/nasflow.jar
COPY --from=build /src/target/lib /opt/nasflow/lib
COPY workflows /opt/nasflow/workflows
RUN printf '#!/bin/sh\nexec java ${NASFLOW_JAVA_OPTS:-} -jar /opt/nasflow/nasflow.jar "$@"\n' > /usr/local/bin/nasflow \
    && chmod 755 /usr/local/bin/nasflow \
    && mkdir -p /opt/nasflow/work /opt/nasflow/artifacts && chown -R nasflow /opt/nasflow/work /opt/nasflow/artifacts
ENV NASFLOW_HOME=/opt/nasflow \
    DJL_OFFLINE=true \
    NASFLOW_JAVA_OPTS="-XX:MaxRAMPercentage=75"
USER nasflow
# worker 9465, stopper 9466, surrogate 9467: Prometheus metrics (--metrics-port)
EXPOSE 9465 9466 9467
CMD ["nasflow", "worker", "--temporal", "temporal:7233", "--kafka", "kafka:9092", "--metrics-port", "9465"]
