package dev.nasflow.stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The consumer loop of a stateful streaming service (stopper, surrogate): one consumer that reads every partition of
 * its topics, with manual commits to {@code groupId}. It takes its partitions with {@code assign()}, not through a
 * group subscription: no rebalance, so a restarted service never waits for members that a killed or timed-out process
 * left in the group (with a subscription the new member waited up to the session timeout, 45 s, for them: longer than
 * a whole quickstart search, which then got no early stopping at all). A service also needs every partition anyway:
 * records are keyed by candidate, and a stopping rule compares the candidates of a search.
 *
 * <p>On start it reads, for each partition, the committed offset and, in the commit's metadata, where the records of
 * the searches that were still live at that commit begin ({@code replayFrom}). It seeks there and hands the records
 * below the committed offset to the handler flagged {@code replay=true} (rebuild state, take no action); records from
 * the committed offset on are live. So a restart re-reads the live searches' records, not the topics' history (a
 * finished search no longer holds back {@code replayFrom}); without a {@link Retention}, or for a commit without the
 * metadata (earlier versions), it re-reads from the beginning. The committed offsets live in Kafka's compacted offsets
 * topic: that is this loop's changelog.
 *
 * <p>Offsets are committed (at most every {@value #COMMIT_INTERVAL_MS} ms, off the path of each batch) only after every
 * action (future) returned for a poll batch, and for every earlier batch, has completed, so an action is never lost; after a crash it may be repeated, which the actions make idempotent. The
 * loop does not wait for a batch's actions before polling the next one (at most {@value #MAX_PENDING_BATCHES} batches
 * in flight), so a slow action does not delay the records behind it.
 */
public final class ReplayingConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplayingConsumer.class);
    static final String REPLAY_FROM = "replayFrom=";
    /** A unit (search) whose last record is older than this no longer holds back replayFrom. */
    static final long DEFAULT_IDLE_MS = Duration.ofHours(1).toMillis();

    /** Handles one record; returns the action it started (or null). */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<?> handle(ConsumerRecord<byte[], byte[]> record, boolean replay);
    }

    /**
     * Which records a restarted service must re-read: those of the units (searches) it still {@link #needed needs}.
     * The unit of a record is, by default, the search id its key names (a candidate id
     * {@code <searchId>-g<generation>-c<index>}, or the search id itself).
     */
    public interface Retention {
        /** Whether the records of {@code unit} are still needed to rebuild the service's state after a restart. */
        boolean needed(String unit);

        default String unitOf(ConsumerRecord<byte[], byte[]> rec) {
            return rec.key() == null ? null : searchIdOfKey(new String(rec.key(), StandardCharsets.UTF_8));
        }
    }

    private static final Pattern CANDIDATE_SUFFIX = Pattern.compile("-g\\d+-c\\d+$");

    /** The search id of a record key: a candidate id without its {@code -g<n>-c<m>} suffix, else the key. */
    public static String searchIdOfKey(String key) {
        return key == null ? null : CANDIDATE_SUFFIX.matcher(key).replaceFirst("");
    }

    private final KafkaClients kafka;
    private final String groupId;
    private final List<String> topics;
    private final Handler handler;
    private final String name;
    private Retention retention;
    private long idleMs = DEFAULT_IDLE_MS;
    private volatile Runnable beforeEachPoll;
    /** Poll batches whose actions may run at once before the loop waits for the oldest. */
    static final int MAX_PENDING_BATCHES = 64;
    static final long DRAIN_TIMEOUT_MS = 10_000;
    /**
     * Completed offsets are committed at most this often (and at the end): a synchronous commit is a round trip to
     * the group coordinator that holds up the next poll, so committing after every batch put that round trip on the
     * path of every record behind it. A crash re-handles, live, at most this much more (the actions are idempotent).
     */
    static final long COMMIT_INTERVAL_MS = 200;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong replayed = new AtomicLong();
    private volatile long readyMillis = -1;
    private volatile Consumer<byte[], byte[]> consumer;
    private Thread thread;
    /** Per partition: the first offset and last record time of each unit seen since it last stopped being needed. */
    private final Map<TopicPartition, Map<String, long[]>> units = new HashMap<>();
    private boolean uncommitted;
    private long lastCommitAttempt;
    private int commitFailures;
    /** Per partition: the offset committed (or to commit) next. */
    private final Map<TopicPartition, Long> position = new HashMap<>();

    public ReplayingConsumer(String name, KafkaClients kafka, String groupId, List<String> topics, Handler handler) {
        this.name = name;
        this.kafka = kafka;
        this.groupId = groupId;
        this.topics = List.copyOf(topics);
        this.handler = handler;
    }

    /** Re-read only the records of needed units after a restart (call before {@link #start()}). */
    public ReplayingConsumer retention(Retention r) {
        this.retention = r;
        return this;
    }

    /** A unit idle this long (by record time) no longer holds back replayFrom (default 1 h). */
    public ReplayingConsumer idleAfter(Duration idle) {
        this.idleMs = idle.toMillis();
        return this;
    }

    /**
     * Runs {@code task} on the consumer thread before every poll (at least every 50 ms), e.g. to apply on the
     * handler's (single-threaded) state a result computed elsewhere; an exception is logged and the loop goes on.
     */
    public ReplayingConsumer beforeEachPoll(Runnable task) {
        this.beforeEachPoll = task;
        return this;
    }

    public ReplayingConsumer start() {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private List<TopicPartition> partitions(Consumer<byte[], byte[]> c) {
        boolean warned = false;
        while (running.get()) {
            List<TopicPartition> parts = new ArrayList<>();
            boolean missing = false;
            for (String t : topics) {
                List<PartitionInfo> infos;
                try {
                    infos = c.partitionsFor(t, Duration.ofSeconds(10));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    infos = List.of();
                }
                if (infos == null || infos.isEmpty()) {
                    missing = true;
                } else {
                    infos.forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            if (!missing) {
                return parts;
            }
            if (!warned) {
                log.warn("{}: waiting for the topics {} to exist (create them: nasflow dev, or Topics.ensure)", name,
                        topics);
                warned = true;
            }
            sleep(500);
        }
        return List.of();
    }

    private void loop() {
        long t0 = System.nanoTime();
        Map<TopicPartition, Long> replayUntil = new HashMap<>();
        Deque<Batch> pending = new ArrayDeque<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(groupId, Map.of("auto.offset.reset", "earliest",
                "max.poll.records", "500"));
             AutoCloseable clientMetrics = kafka.bindMetrics(c)) {
            consumer = c;
            List<TopicPartition> parts = partitions(c);
            if (parts.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = c.committed(Set.copyOf(parts), Duration.ofSeconds(30));
            c.assign(parts);
            long replayFromTotal = 0;
            for (TopicPartition tp : parts) {
                units.put(tp, new LinkedHashMap<>());
                OffsetAndMetadata om = committed.get(tp);
                if (om == null) {
                    c.seekToBeginning(List.of(tp)); // never committed: every record is live
                    continue;
                }
                position.put(tp, om.offset());
                replayUntil.put(tp, om.offset());
                long from = retention == null ? 0 : replayFrom(om);
                c.seek(tp, from); // below the log start (retention deleted it): auto.offset.reset=earliest
                replayFromTotal += Math.max(0, om.offset() - from);
            }
            assigned.countDown();
            log.info("{}: assigned {} partitions of {}; {} committed record(s) to re-read", name, parts.size(), topics,
                    replayFromTotal);
            checkCaughtUp(c, replayUntil, t0);
            try {
                while (running.get()) {
                    commitCompleted(c, pending, false);
                    Runnable before = beforeEachPoll;
                    if (before != null) {
                        try {
                            before.run();
                        } catch (RuntimeException e) {
                            log.warn("{}: task before poll failed: {}", name, e.toString());
                        }
                    }
                    ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(50));
                    if (batch.isEmpty()) {
                        checkCaughtUp(c, replayUntil, t0);
                        continue;
                    }
                    List<CompletableFuture<?>> actions = new ArrayList<>();
                    Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> rec : batch) {
                        TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                        Long until = replayUntil.get(tp);
                        boolean replay = until != null && rec.offset() < until;
                        if (replay) {
                            replayed.incrementAndGet();
                        }
                        CompletableFuture<?> f;
                        try {
                            f = handler.handle(rec, replay);
                        } catch (RuntimeException e) {
                            log.warn("{}: record {}-{}@{} not handled: {}", name, rec.topic(), rec.partition(),
                                    rec.offset(), e.toString());
                            f = null;
                        }
                        track(tp, rec);
                        if (f != null) {
                            actions.add(f);
                        }
                        if (!replay) {
                            toCommit.put(tp, new OffsetAndMetadata(rec.offset() + 1));
                        }
                    }
                    checkCaughtUp(c, replayUntil, t0);
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
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (Exception e) {
            if (running.get()) {
                log.error("{}: consumer loop failed", name, e);
            }
        } finally {
            consumer = null;
        }
    }

    private void checkCaughtUp(Consumer<byte[], byte[]> c, Map<TopicPartition, Long> replayUntil, long t0) {
        if (caughtUp.getCount() == 0) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> e : replayUntil.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return;
            }
        }
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        caughtUp.countDown();
        log.info("{}: state rebuilt from {} record(s) in {} ms; live from here", name, replayed.get(), readyMillis);
    }

    /** Where the records of the units live at commit {@code om} begin on its partition (0 when not recorded). */
    static long replayFrom(OffsetAndMetadata om) {
        String m = om.metadata();
        if (m != null && m.startsWith(REPLAY_FROM)) {
            try {
                return Math.min(om.offset(), Math.max(0, Long.parseLong(m.substring(REPLAY_FROM.length()).trim())));
            } catch (NumberFormatException ignored) {
                // written by something else: re-read all
            }
        }
        return 0;
    }

    private void track(TopicPartition tp, ConsumerRecord<byte[], byte[]> rec) {
        if (retention == null) {
            return;
        }
        String unit;
        try {
            unit = retention.unitOf(rec);
        } catch (RuntimeException e) {
            unit = null;
        }
        if (unit == null) {
            return;
        }
        long[] u = units.get(tp).computeIfAbsent(unit, k -> new long[]{rec.offset(), rec.timestamp()});
        u[1] = Math.max(u[1], rec.timestamp());
    }

    /**
     * The commit of {@code tp} at {@code offset}: with a retention, its metadata says where the records of the units
     * still needed begin (units no longer needed, or idle, are forgotten here).
     */
    private OffsetAndMetadata commitOf(TopicPartition tp, long offset) {
        if (retention == null) {
            return new OffsetAndMetadata(offset);
        }
        long from = offset;
        long now = System.currentTimeMillis();
        Iterator<Map.Entry<String, long[]>> it = units.get(tp).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, long[]> e = it.next();
            boolean needed;
            try {
                needed = now - e.getValue()[1] < idleMs && retention.needed(e.getKey());
            } catch (RuntimeException ex) {
                needed = true;
            }
            if (needed) {
                from = Math.min(from, e.getValue()[0]);
            } else {
                it.remove();
            }
        }
        return new OffsetAndMetadata(offset, REPLAY_FROM + from);
    }

    /** Records re-read (replay=true) since the start. */
    public long replayed() {
        return replayed.get();
    }

    /** Milliseconds from the start until the state was rebuilt (records below the committed offsets re-read); -1 before. */
    public long readyMillis() {
        return readyMillis;
    }

    /** Waits until the committed records were re-read and the loop acts on new ones. Returns false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the consumer has its partitions (records published from then on are seen). Returns false on
     * timeout.
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
        boolean advanced = false;
        while (!pending.isEmpty() && pending.peekFirst().actions().isDone()) {
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : pending.pollFirst().offsets().entrySet()) {
                position.put(e.getKey(), e.getValue().offset());
                advanced = true;
            }
        }
        long now = System.currentTimeMillis();
        if (advanced) {
            uncommitted = true;
        }
        // a failed commit is retried (once a second, and at the end): e.g. while a member that an earlier version
        // left in the group has not yet timed out, the coordinator refuses commits from outside the group
        long interval = commitFailures > 0 ? 1000 : COMMIT_INTERVAL_MS;
        if (uncommitted && (waitAll || now - lastCommitAttempt >= interval)) {
            lastCommitAttempt = now;
            // every partition, so that replayFrom moves on where a finished search no longer holds it back
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            position.forEach((tp, offset) -> offsets.put(tp, commitOf(tp, offset)));
            try {
                c.commitSync(offsets);
                uncommitted = false;
                commitFailures = 0;
            } catch (RuntimeException e) {
                if (commitFailures++ % 30 == 0) {
                    log.warn("{}: commit of {} failed (retried every second; until it succeeds a restart re-reads "
                            + "these records): {}", name, offsets.keySet(), e.toString());
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

