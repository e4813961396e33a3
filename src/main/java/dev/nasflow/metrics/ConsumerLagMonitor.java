package dev.nasflow.metrics;

import dev.nasflow.stream.KafkaClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumer lag of nasflow's service groups (stopper, surrogate) as the gauge {@code nasflow.kafka.consumer.lag}
 * (records; tags {@code group}, {@code topic}): every period, the end offset minus the group's committed offset,
 * summed over the topic's partitions. A partition the group has not committed yet counts from its log start (the
 * services read from the beginning). Computed with an admin client, so it works whichever process runs the group and
 * stays right while the group is down (the lag then grows). -1 until the first successful poll.
 */
public final class ConsumerLagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLagMonitor.class);
    private static final long TIMEOUT_MS = 10_000;

    private final KafkaClients kafka;
    private final Map<String, List<String>> groups;
    private final Duration every;
    private final Map<String, Map<String, AtomicLong>> lag = new LinkedHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nasflow-consumer-lag");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong polls = new AtomicLong();
    private Admin admin;
    private boolean closed;

    ConsumerLagMonitor(KafkaClients kafka, MeterRegistry registry, Map<String, List<String>> groups, Duration every) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.groups = Map.copyOf(groups);
        this.every = every;
        groups.forEach((group, topics) -> {
            for (String topic : topics) {
                AtomicLong v = new AtomicLong(-1);
                lag.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(topic, v);
                Gauge.builder("nasflow.kafka.consumer.lag", v, AtomicLong::get).baseUnit("records")
                        .description("Records on the topic not yet processed (committed) by the consumer group")
                        .tags("group", group, "topic", topic).register(registry);
            }
        });
    }

    ConsumerLagMonitor start() {
        admin = kafka.admin();
        timer.scheduleWithFixedDelay(this::pollSafely, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The lag last computed for a group and topic (-1 = not known yet). */
    public long lag(String group, String topic) {
        AtomicLong v = lag.getOrDefault(group, Map.of()).get(topic);
        return v == null ? -1 : v.get();
    }

    /** Successful polls so far. */
    public long polls() {
        return polls.get();
    }

    private void pollSafely() {
        try {
            poll();
            polls.incrementAndGet();
        } catch (Exception e) {
            log.debug("consumer lag not computed this time: {}", e.toString());
        }
    }

    void poll() throws Exception {
        List<String> topics = lag.values().stream().flatMap(m -> m.keySet().stream()).distinct().toList();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        described.forEach((t, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition tp : partitions) {
            latest.put(tp, OffsetSpec.latest());
            earliest.put(tp, OffsetSpec.earliest());
        }
        Map<TopicPartition, Long> end = offsets(admin, latest);
        Map<TopicPartition, Long> start = offsets(admin, earliest);
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.getKey())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            for (String topic : g.getValue()) {
                long sum = 0;
                for (TopicPartition tp : partitions) {
                    if (!tp.topic().equals(topic)) {
                        continue;
                    }
                    OffsetAndMetadata om = committed.get(tp);
                    long from = om != null ? om.offset() : start.getOrDefault(tp, 0L);
                    sum += Math.max(0, end.getOrDefault(tp, 0L) - from);
                }
                lag.get(g.getKey()).get(topic).set(sum);
            }
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> spec)
            throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Stops polling and closes the admin client. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
