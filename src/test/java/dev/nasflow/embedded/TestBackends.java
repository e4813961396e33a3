package dev.nasflow.embedded;

import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.KafkaSettings;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;

/**
 * Kafka and Temporal for integration tests: containers (Testcontainers: {@code apache/kafka} in KRaft mode and the
 * Temporal CLI's dev server {@code temporalio/temporal server start-dev}) when a Docker engine answers, the embedded
 * stack (in-process KRaft broker and Temporal test server, started by {@link DevStack}) otherwise. The test body is
 * the same: {@code TestBackends.start().apply(DevStack.builder(dir))...}. {@link #describe()} says which ran, and
 * {@link #start()} prints it.
 *
 * <p>Images can be overridden with the system properties {@code nasflow.test.kafkaImage} and
 * {@code nasflow.test.temporalImage}; {@code -Dnasflow.test.backend=embedded} forces the embedded stack.
 */
public final class TestBackends implements AutoCloseable {
    public static final String KAFKA_IMAGE = System.getProperty("nasflow.test.kafkaImage", "apache/kafka:4.1.0");
    public static final String TEMPORAL_IMAGE =
            System.getProperty("nasflow.test.temporalImage", "temporalio/temporal:1.4.1");

    private final KafkaContainer kafka;
    private final GenericContainer<?> temporal;
    private final String description;

    private TestBackends(KafkaContainer kafka, GenericContainer<?> temporal, String description) {
        this.kafka = kafka;
        this.temporal = temporal;
        this.description = description;
    }

    /** Containers when Docker is available, else the embedded stack; prints which. */
    public static TestBackends start() {
        TestBackends b = dockerAvailable() ? containers() : embedded("no Docker engine");
        System.out.println("[nasflow test backend] " + b.describe());
        return b;
    }

    static boolean dockerAvailable() {
        if ("embedded".equals(System.getProperty("nasflow.test.backend"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static TestBackends embedded(String why) {
        return new TestBackends(null, null, "embedded (in-process KRaft broker + Temporal test server; " + why + ")");
    }

    @SuppressWarnings("resource")
    static TestBackends containers() {
        KafkaContainer k = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
        GenericContainer<?> t = new GenericContainer<>(DockerImageName.parse(TEMPORAL_IMAGE))
                .withCommand("server", "start-dev", "--ip", "0.0.0.0", "--namespace", "default")
                .withExposedPorts(7233)
                .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(2)));
        try {
            k.start();
            t.start();
        } catch (RuntimeException e) {
            k.stop();
            t.stop();
            throw e;
        }
        return new TestBackends(k, t, "testcontainers (Kafka " + KAFKA_IMAGE + " at " + k.getBootstrapServers()
                + ", Temporal " + TEMPORAL_IMAGE + " at " + t.getHost() + ":" + t.getMappedPort(7233) + ")");
    }

    /** True when containers run. */
    public boolean containerized() {
        return kafka != null;
    }

    public String describe() {
        return description;
    }

    /** External Kafka settings for the containers, or null for the embedded broker. */
    public KafkaSettings kafka() {
        return kafka == null ? null : KafkaSettings.of(kafka.getBootstrapServers());
    }

    /** Temporal settings for the container, or the embedded (in-process) settings. */
    public TemporalSettings temporal() {
        if (temporal == null) {
            return TemporalSettings.embedded();
        }
        return TemporalSettings.builder().address(temporal.getHost() + ":" + temporal.getMappedPort(7233))
                .namespace("default").build();
    }

    /** Points a stack at these backends. */
    public DevStack.Builder apply(DevStack.Builder b) {
        return b.kafka(kafka()).temporal(temporal());
    }

    @Override
    public void close() {
        if (temporal != null) {
            temporal.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }
}
