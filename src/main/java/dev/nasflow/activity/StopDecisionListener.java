package dev.nasflow.activity;

import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.stream.TopicReader;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code nasflow.stop-decisions} in a worker process and posts every decision on a {@link StopBoard}, where the
 * training activity sees it at its next step. No consumer group: every worker reads every partition (each must see
 * the decisions of the candidates it trains), so there is no group membership to wait for after a restart. It starts
 * {@link #LOOKBACK} before now, so a decision made while this worker was down still reaches a retried attempt.
 */
public final class StopDecisionListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StopDecisionListener.class);
    static final Duration LOOKBACK = Duration.ofMinutes(10);

    private final Consumer<byte[], byte[]> consumer;
    private final StopBoard board;
    private final Thread thread;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long received;

    private StopDecisionListener(KafkaClients kafka, StopBoard board) {
        this.consumer = kafka.consumer(null, Map.of("fetch.max.wait.ms", 50, "max.poll.records", 1000));
        this.board = board;
        this.thread = new Thread(this::loop, "stop-decision-listener");
        this.thread.setDaemon(true);
    }

    /** Starts reading; {@link #awaitReady} tells when the partitions are assigned and positioned. */
    public static StopDecisionListener start(KafkaClients kafka, StopBoard board) {
        StopDecisionListener l = new StopDecisionListener(kafka, board);
        l.thread.start();
        return l;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Decisions read so far. */
    public long received() {
        return received;
    }

    private void loop() {
        try {
            position();
            assigned.countDown();
            while (running) {
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    post(r);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.warn("stop-decision listener woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("stop-decision listener failed: stops will not reach this worker's candidates", e);
        } finally {
            assigned.countDown();
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void position() {
        TopicReader.assignFrom(consumer, Topics.STOP_DECISIONS, System.currentTimeMillis() - LOOKBACK.toMillis(), () -> running);
    }

    private void post(ConsumerRecord<byte[], byte[]> r) {
        try {
            StopDecision d = EventSerde.STOP_DECISION.decode(r.value());
            board.post(d.candidateId(), d.rule(), d.reason(), d.epoch(), r.timestamp());
            received++;
        } catch (RuntimeException bad) {
            log.debug("skipping unreadable stop decision at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    bad.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
