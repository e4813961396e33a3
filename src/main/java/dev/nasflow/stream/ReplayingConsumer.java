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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
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
 * on are live. Offsets are committed only after every action (future) returned for a poll batch, and for every earlier
 * batch, has completed, so an action is never lost; after a crash it may be repeated, which the actions make
 * idempotent. The loop does not wait for a batch's actions before polling the next one (at most
 * {@value #MAX_PENDING_BATCHES} batches in flight), so a slow action does not delay the records behind it.
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
    /** Poll batches whose actions may run at once before the loop waits for the oldest. */
    static final int MAX_PENDING_BATCHES = 64;
    static final long DRAIN_TIMEOUT_MS = 10_000;

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
        Deque<Batch> pending = new ArrayDeque<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(groupId, Map.of("auto.offset.reset", "earliest",
                "max.poll.records", "500"));
             AutoCloseable clientMetrics = kafka.bindMetrics(c)) {
            consumer = c;
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitCompleted(c, pending, true); // hand over with every delivered offset committed
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
            try {
                while (running.get()) {
                    commitCompleted(c, pending, false);
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
                    // the actions run on while the next records are polled and handled; the batch's offsets are
                    // committed once they (and every earlier batch's) completed
                    pending.addLast(new Batch(CompletableFuture.allOf(actions.toArray(new CompletableFuture[0]))
                            .exceptionally(e -> null), toCommit));
                    while (pending.size() > MAX_PENDING_BATCHES) {
                        pending.peekFirst().actions().join(); // back-pressure: never run far ahead of delivery
                        commitCompleted(c, pending, false);
                    }
                }
            } finally {
                if (consumer != null) {
                    commitCompleted(c, pending, true);
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

    /** Records of one poll: their actions and the offsets to commit once those completed. */
    private record Batch(CompletableFuture<?> actions, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    /**
     * Commits the offsets of the completed batches at the head of {@code pending}, in poll order (a batch is never
     * committed before an earlier one completed). With {@code waitAll} it first waits for every pending action
     * (at most {@link #DRAIN_TIMEOUT_MS} in all; what is still running then is left uncommitted and redone after a
     * restart).
     */
    private void commitCompleted(Consumer<byte[], byte[]> c, Deque<Batch> pending, boolean waitAll) {
        if (waitAll) {
            long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
            for (Batch b : pending) {
                try {
                    b.actions().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    break;
                }
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        while (!pending.isEmpty() && pending.peekFirst().actions().isDone()) {
            offsets.putAll(pending.pollFirst().offsets());
        }
        if (!offsets.isEmpty()) {
            try {
                c.commitSync(offsets);
            } catch (RuntimeException e) {
                log.warn("{}: commit of {} failed (the records will be re-read after a restart): {}", name,
                        offsets.keySet(), e.toString());
            }
        }
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
