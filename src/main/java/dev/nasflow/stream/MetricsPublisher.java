package dev.nasflow.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes nasflow events asynchronously (idempotent producer, {@code acks=all}): each event goes to its topic with
 * its key; {@link EpochMetric} and {@link SearchEvent} get their {@code timestamp} stamped here when unset, and the
 * Kafka record timestamp equals it. Thread-safe. Not for workflow code (it reads the clock and does I/O).
 */
public final class MetricsPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final LongSupplier clock;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> lastError = new AtomicReference<>();
    private final AutoCloseable onClose;

    /**
     * @param producer     a byte-array producer configured by {@link KafkaClients}
     * @param ownsProducer whether {@link #close()} closes it
     * @param clock        epoch-millisecond clock for timestamps
     */
    public MetricsPublisher(Producer<byte[], byte[]> producer, boolean ownsProducer, LongSupplier clock) {
        this(producer, ownsProducer, clock, null);
    }

    /** As above; {@code onClose} (e.g. a client-metrics binding) is closed after the producer. */
    public MetricsPublisher(Producer<byte[], byte[]> producer, boolean ownsProducer, LongSupplier clock,
                            AutoCloseable onClose) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.ownsProducer = ownsProducer;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.onClose = onClose;
    }

    /** Publishes an epoch metric, stamping its timestamp when it is 0. */
    public CompletableFuture<RecordMetadata> publish(EpochMetric metric) {
        EpochMetric m = metric.timestamp() > 0 ? metric : metric.withTimestamp(clock.getAsLong());
        return send(EventSerde.EPOCH_METRIC, m, m.timestamp());
    }

    /** Publishes a stop decision. */
    public CompletableFuture<RecordMetadata> publish(StopDecision decision) {
        return send(EventSerde.STOP_DECISION, decision, clock.getAsLong());
    }

    /** Publishes a surrogate prediction (the latest per key, architecture hash or candidate id, survives compaction). */
    public CompletableFuture<RecordMetadata> publish(SurrogatePrediction prediction) {
        return send(EventSerde.SURROGATE_PREDICTION, prediction, clock.getAsLong());
    }

    /** Publishes a search event, stamping its timestamp when it is 0. */
    public CompletableFuture<RecordMetadata> publish(SearchEvent event) {
        SearchEvent e = event.timestamp() > 0 ? event : event.withTimestamp(clock.getAsLong());
        return send(EventSerde.SEARCH_EVENT, e, e.timestamp());
    }

    /** Publishes any event type to its topic. */
    public CompletableFuture<RecordMetadata> publish(StreamEvent event) {
        if (event instanceof EpochMetric m) {
            return publish(m);
        } else if (event instanceof StopDecision d) {
            return publish(d);
        } else if (event instanceof SurrogatePrediction p) {
            return publish(p);
        } else if (event instanceof SearchEvent e) {
            return publish(e);
        }
        throw new IllegalArgumentException("not a nasflow event type: " + event.getClass().getName());
    }

    private <T extends StreamEvent> CompletableFuture<RecordMetadata> send(EventSerde<T> serde, T event,
                                                                            long timestamp) {
        CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
        try {
            byte[] value = serde.encode(event);
            byte[] key = event.key().getBytes(StandardCharsets.UTF_8);
            ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(serde.topic(), null, timestamp, key, value);
            sent.incrementAndGet();
            producer.send(rec, (md, ex) -> {
                if (ex == null) {
                    acked.incrementAndGet();
                    f.complete(md);
                } else {
                    fail(serde, ex);
                    f.completeExceptionally(ex);
                }
            });
        } catch (RuntimeException ex) {
            fail(serde, ex);
            f.completeExceptionally(ex);
        }
        return f;
    }

    private void fail(EventSerde<?> serde, Throwable ex) {
        failed.incrementAndGet();
        lastError.set(ex);
        log.warn("cannot publish to {}: {}", serde.topic(), ex.toString());
    }

    /** Sends everything buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    /** Records handed to the producer. */
    public long sent() {
        return sent.get();
    }

    /** Records acknowledged by the broker. */
    public long acked() {
        return acked.get();
    }

    /** Records that failed (after the producer's own retries). */
    public long failed() {
        return failed.get();
    }

    public Optional<Throwable> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** The underlying producer (shared use, e.g. for a {@link PoisonHandler}). */
    public Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** Flushes, then closes the producer if owned (waiting at most 30 s). */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        try {
            if (ownsProducer) {
                producer.close(timeout);
            } else {
                producer.flush();
            }
        } finally {
            if (onClose != null) {
                try {
                    onClose.close();
                } catch (Exception e) {
                    log.debug("closing publisher hook: {}", e.toString());
                }
            }
        }
    }
}
