package dev.nasflow.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one factory for Kafka clients in nasflow: every admin client, producer and consumer gets the bootstrap
 * servers and the pass-through client properties of {@link KafkaSettings} (security included), on top of nasflow's
 * defaults, and then the settings nasflow relies on (serializers; producers idempotent with {@code acks=all};
 * consumers without auto-commit).
 */
public final class KafkaClients {
    /** Producer {@code linger.ms}: small, for low stop latency. */
    public static final int LINGER_MS = 1;

    private final KafkaSettings settings;
    private volatile ClientMetricsBinder metricsBinder = ClientMetricsBinder.NONE;

    /**
     * Binds client metrics (e.g. Micrometer's {@code KafkaClientMetrics}) to nasflow's long-lived clients: the
     * publishers made by {@link #publisher(String)} and the service consumers ({@link ReplayingConsumer}). Each bind
     * returns what unbinds it, closed with the client. Short-lived clients (CLI reads) are not bound.
     */
    public interface ClientMetricsBinder {
        AutoCloseable producer(Producer<?, ?> producer);

        AutoCloseable consumer(Consumer<?, ?> consumer);

        ClientMetricsBinder NONE = new ClientMetricsBinder() {
            @Override
            public AutoCloseable producer(Producer<?, ?> producer) {
                return () -> {
                };
            }

            @Override
            public AutoCloseable consumer(Consumer<?, ?> consumer) {
                return () -> {
                };
            }
        };
    }

    public KafkaClients(KafkaSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Binds metrics to the long-lived clients made from now on (null = none). */
    public KafkaClients metricsBinder(ClientMetricsBinder binder) {
        this.metricsBinder = binder == null ? ClientMetricsBinder.NONE : binder;
        return this;
    }

    /** Binds client metrics to a long-lived consumer; close the result when the consumer closes. */
    public AutoCloseable bindMetrics(Consumer<?, ?> consumer) {
        return metricsBinder.consumer(consumer);
    }

    /** Binds client metrics to a long-lived producer; close the result when the producer closes. */
    public AutoCloseable bindMetrics(Producer<?, ?> producer) {
        return metricsBinder.producer(producer);
    }

    public KafkaSettings settings() {
        return settings;
    }

    /** Configuration for an admin client. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> c = base("nasflow-admin");
        c.put("request.timeout.ms", 30_000);
        c.put("default.api.timeout.ms", 60_000);
        c.putAll(settings.clientProperties());
        c.put("bootstrap.servers", settings.bootstrapServers());
        return c;
    }

    /** Configuration for a producer of byte arrays. */
    public Map<String, Object> producerConfig(String clientId) {
        Map<String, Object> c = base(clientId == null ? "nasflow-producer" : clientId);
        c.put("linger.ms", LINGER_MS);
        c.put("max.in.flight.requests.per.connection", 5);
        c.put("delivery.timeout.ms", 120_000);
        c.put("request.timeout.ms", 30_000);
        c.put("compression.type", "none");
        c.putAll(settings.clientProperties());
        c.put("bootstrap.servers", settings.bootstrapServers());
        c.put("key.serializer", ByteArraySerializer.class.getName());
        c.put("value.serializer", ByteArraySerializer.class.getName());
        c.put("enable.idempotence", true);
        c.put("acks", "all");
        return c;
    }

    /**
     * Configuration for a consumer of byte arrays.
     *
     * @param groupId consumer group, or null for a group-less consumer (assign/seek only)
     */
    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> c = base(groupId == null ? "nasflow-consumer" : groupId);
        c.put("auto.offset.reset", "earliest");
        c.put("max.poll.records", 500);
        c.put("fetch.max.wait.ms", 100);
        c.putAll(settings.clientProperties());
        c.put("bootstrap.servers", settings.bootstrapServers());
        if (groupId != null) {
            c.put("group.id", groupId);
        }
        c.put("key.deserializer", ByteArrayDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        c.put("enable.auto.commit", false);
        return c;
    }

    public Admin admin() {
        return Admin.create(adminConfig());
    }

    public Producer<byte[], byte[]> producer(String clientId) {
        return new KafkaProducer<>(producerConfig(clientId));
    }

    public Consumer<byte[], byte[]> consumer(String groupId) {
        return new KafkaConsumer<>(consumerConfig(groupId));
    }

    /** Same as {@link #consumer(String)} with extra settings on top (e.g. {@code auto.offset.reset=latest}). */
    public Consumer<byte[], byte[]> consumer(String groupId, Map<String, Object> overrides) {
        Map<String, Object> c = consumerConfig(groupId);
        overrides.forEach((k, v) -> {
            if (KafkaSettings.RESERVED.contains(k)) {
                throw new IllegalArgumentException("consumer property '" + k + "' is set by nasflow");
            }
            c.put(k, v);
        });
        return new KafkaConsumer<>(c);
    }

    /**
     * A consumer of one event type in {@code groupId}, subscribed to its topic; poison records go to the dead-letter
     * topic through {@code deadLetterProducer} (not closed with the consumer; null = count and skip only).
     */
    public <T extends StreamEvent> EventConsumer<T> eventConsumer(String groupId, EventSerde<T> serde,
                                                                  Producer<byte[], byte[]> deadLetterProducer) {
        return new EventConsumer<>(consumer(groupId), serde, new PoisonHandler(deadLetterProducer)).subscribe();
    }

    /** A publisher with its own producer (closed with it), its client metrics bound (see {@link #metricsBinder}). */
    public MetricsPublisher publisher(String clientId) {
        Producer<byte[], byte[]> p = producer(clientId);
        return new MetricsPublisher(p, true, System::currentTimeMillis, bindMetrics(p));
    }

    /** Creates the nasflow topics that are missing. */
    public void ensureTopics(TopicSettings topicSettings) {
        try (Admin admin = admin()) {
            Topics.ensure(admin, topicSettings);
        }
    }

    /** A fresh, unique consumer group id with {@code prefix}. */
    public static String uniqueGroupId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> base(String clientId) {
        Map<String, Object> c = new HashMap<>();
        c.put("client.id", clientId + "-" + UUID.randomUUID().toString().substring(0, 6));
        c.put("reconnect.backoff.ms", 50);
        c.put("reconnect.backoff.max.ms", 1000);
        c.put("retry.backoff.ms", 100);
        // Kafka 4 clients "rebootstrap" when no known broker answers, which drops the cached topic metadata: a
        // producer send() then blocks up to max.block.ms per record until the broker is back. Keeping the metadata
        // instead lets sends buffer and go out when the broker returns (a restart keeps its address). Override
        // with metadata.recovery.strategy=rebootstrap in the client properties for clusters whose brokers move.
        c.put("metadata.recovery.strategy", "none");
        return c;
    }
}
