package dev.nasflow.stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The consumer loop of a stateful streaming service (stopper, surrogate): a consumer group with manual commits.
 * On partition assignment it re-reads each partition from the beginning and hands the records below the committed
 * offset to the handler flagged {@code replay=true} (rebuild state, take no action); records from the committed offset
 * on are live. Offsets are committed only after every action (future) returned for a poll batch has completed, so an
 * action is never lost; after a crash it may be repeated, which the actions make idempotent.
 */
public final class ReplayingConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplayingConsumer.class);

    /** Handles one record; returns the action it started (or null). */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<?> handle(ConsumerRecord<byte[], byte[]> record, boolean replay);
    }

    private final KafkaClients kafka;
    private final String groupId;
    private final List<String> topics;
    private final Handler handler;
    private final String name;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile Consumer<byte[], byte[]> consumer;
    private Thread thread;

    public ReplayingConsumer(String name, KafkaClients kafka, String groupId, List<String> topics, Handler handler) {
        this.name = name;
        this.kafka = kafka;
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.handler = handler;
    }

    public ReplayingConsumer start() {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        Map<TopicPartition, Long> replayUntil = new ConcurrentHashMap<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(groupId, Map.of("auto.offset.reset", "earliest",
                "max.poll.records", "500"));
             AutoCloseable clientMetrics = kafka.bindMetrics(c)) {
            consumer = c;
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.copyOf(partitions));
                    for (TopicPartition tp : partitions) {
                        OffsetAndMetadata om = committed.get(tp);
                        if (om != null && om.offset() > 0) {
                            replayUntil.put(tp, om.offset());
                        }
                    }
                    c.seekToBeginning(partitions);
                    if (!partitions.isEmpty()) {
                        assigned.countDown();
                    }
                }
            });
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(50));
                if (batch.isEmpty()) {
                    continue;
                }
                List<CompletableFuture<?>> actions = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> rec : batch) {
                    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                    Long until = replayUntil.get(tp);
                    boolean replay = until != null && rec.offset() < until;
                    CompletableFuture<?> f;
                    try {
                        f = handler.handle(rec, replay);
                    } catch (RuntimeException e) {
                        log.warn("{}: record {}-{}@{} not handled: {}", name, rec.topic(), rec.partition(),
                                rec.offset(), e.toString());
                        f = null;
                    }
                    if (f != null) {
                        actions.add(f);
                    }
                    if (!replay) {
                        toCommit.put(tp, new OffsetAndMetadata(rec.offset() + 1));
                    }
                }
                CompletableFuture.allOf(actions.toArray(new CompletableFuture[0])).exceptionally(e -> null).join();
                if (!toCommit.isEmpty()) {
                    c.commitSync(toCommit);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            if (running.get()) {
                log.error("{}: consumer loop failed", name, e);
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * Waits until the group gave this consumer its partitions for the first time (records published from then on are
     * seen without waiting for a group join). Returns false on timeout.
     */
    public boolean awaitAssignment(java.time.Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running.set(false);
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
