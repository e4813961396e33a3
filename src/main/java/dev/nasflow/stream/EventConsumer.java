package dev.nasflow.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * A consumer of one event type: polls raw records, decodes them through a {@link PoisonHandler} (poison is skipped,
 * counted and dead-lettered) and returns the good ones. Tombstones (null values, e.g. on the compacted predictions
 * topic) are skipped and counted apart. Like the Kafka consumer it wraps, not thread-safe except {@link #wakeup()}.
 *
 * <p>Offsets are never auto-committed: process what {@link #poll(Duration)} returned, then {@link #commit()}.
 */
public final class EventConsumer<T extends StreamEvent> implements AutoCloseable {
    private final Consumer<byte[], byte[]> consumer;
    private final EventSerde<T> serde;
    private final PoisonHandler poison;
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    /**
     * @param consumer a byte-array consumer (closed by {@link #close()})
     * @param serde    the event type read
     * @param poison   what to do with undecodable records (its producer is not closed here)
     */
    public EventConsumer(Consumer<byte[], byte[]> consumer, EventSerde<T> serde, PoisonHandler poison) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.serde = Objects.requireNonNull(serde, "serde");
        this.poison = Objects.requireNonNull(poison, "poison");
    }

    /** Subscribes to the serde's topic (group management); returns this. */
    public EventConsumer<T> subscribe() {
        consumer.subscribe(List.of(serde.topic()));
        return this;
    }

    /** Polls once and returns the decodable events, in partition order. */
    public List<Received<T>> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        List<Received<T>> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null && Topics.isCompacted(r.topic())) {
                tombstones.incrementAndGet();
                continue;
            }
            T v = poison.decode(r, serde);
            if (v != null) {
                received.incrementAndGet();
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                out.add(new Received<>(key, v, r.topic(), r.partition(), r.offset(), r.timestamp()));
            }
        }
        return out;
    }

    /**
     * Commits the positions reached by the last poll, after the dead-letter copies of the poison records among
     * them are written. Call once the returned events are processed.
     */
    public void commit() {
        poison.flush();
        consumer.commitSync();
    }

    /** Makes a blocked {@link #poll(Duration)} throw {@code WakeupException}; callable from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    /** The wrapped consumer (seek, assign, pause...). */
    public Consumer<byte[], byte[]> kafkaConsumer() {
        return consumer;
    }

    public EventSerde<T> serde() {
        return serde;
    }

    public PoisonHandler poison() {
        return poison;
    }

    /** Events decoded and returned so far. */
    public long received() {
        return received.get();
    }

    /** Tombstones skipped so far. */
    public long tombstones() {
        return tombstones.get();
    }

    @Override
    public void close() {
        poison.flush();
        consumer.close();
    }
}
