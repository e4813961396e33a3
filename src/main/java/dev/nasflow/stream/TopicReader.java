package dev.nasflow.stream;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Positioning of group-less readers that follow a whole topic (every partition) from a moment on. */
public final class TopicReader {
    private TopicReader() {
    }

    /**
     * Assigns every partition of {@code topic} (waiting, with backoff, until the topic has partitions or
     * {@code running} turns false) and positions each at its first record at or after {@code sinceMs}, or at its end
     * when it has none; the end positions are resolved now, so every record published from here on is read.
     *
     * @return false when {@code running} turned false (or the thread was interrupted) before the topic was found
     */
    public static boolean assignFrom(Consumer<byte[], byte[]> consumer, String topic, long sinceMs,
                                     BooleanSupplier running) {
        List<TopicPartition> parts = new ArrayList<>();
        for (int attempt = 0; parts.isEmpty(); attempt++) {
            if (!running.getAsBoolean()) {
                return false;
            }
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null) {
                infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            if (parts.isEmpty()) {
                try {
                    Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        consumer.assign(parts);
        Map<TopicPartition, Long> since = new HashMap<>();
        parts.forEach(p -> since.put(p, sinceMs));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(10));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition p : parts) {
            OffsetAndTimestamp o = offsets.get(p);
            if (o == null) {
                toEnd.add(p);
            } else {
                consumer.seek(p, o.offset());
            }
        }
        consumer.seekToEnd(toEnd);
        toEnd.forEach(consumer::position);
        return true;
    }

    /**
     * The events of {@code topic} that {@code keep} accepts, read from the beginning up to the end offsets taken when
     * called (or until {@code within} has passed); records that do not decode are skipped, not judged here.
     */
    public static <T extends StreamEvent> List<T> readToEnd(KafkaClients kafka, String topic, EventSerde<T> serde,
                                                            Duration within, Predicate<T> keep) {
        List<T> out = new ArrayList<>();
        try (Consumer<byte[], byte[]> c = kafka.consumer(KafkaClients.uniqueGroupId("nasflow-read"))) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic)) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(100))) {
                    try {
                        T e = serde.decode(rec.value());
                        if (e != null && keep.test(e)) {
                            out.add(e);
                        }
                    } catch (RuntimeException poison) {
                        // not ours to judge here
                    }
                }
            }
        }
        return out;
    }

    /** What {@link #readKeys} read: whether it reached the end offsets in time, and how many records it polled. */
    public record Read(boolean complete, long records) {
    }

    /**
     * Hands {@code sink} the records of {@code topic} whose key {@code key} accepts (a record without a key is
     * skipped), read on every partition from the first record at or after {@code sinceMs} (0: the beginning) up to
     * the end offsets taken when called, or until {@code within} has passed. No consumer group, nothing committed.
     */
    public static Read readKeys(KafkaClients kafka, String topic, long sinceMs, Duration within, Predicate<String> key,
                                java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long polled = 0;
        try (Consumer<byte[], byte[]> c = kafka.consumer(null)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, within);
            List<TopicPartition> parts = new ArrayList<>();
            if (infos != null) {
                infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            if (parts.isEmpty()) {
                return new Read(true, 0);
            }
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, within);
            Map<TopicPartition, Long> since = new HashMap<>();
            parts.forEach(p -> since.put(p, Math.max(0, sinceMs)));
            Map<TopicPartition, OffsetAndTimestamp> from = sinceMs <= 0 ? Map.of() : c.offsetsForTimes(since, within);
            for (TopicPartition p : parts) {
                OffsetAndTimestamp o = from.get(p);
                if (sinceMs <= 0) {
                    c.seekToBeginning(List.of(p));
                } else if (o == null) {
                    c.seek(p, end.get(p)); // nothing at or after sinceMs
                } else {
                    c.seek(p, o.offset());
                }
            }
            long deadline = System.nanoTime() + within.toNanos();
            boolean complete;
            while (!(complete = parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp)))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    polled++;
                    if (rec.key() != null && rec.offset() < end.get(new TopicPartition(rec.topic(), rec.partition()))
                            && key.test(new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8))) {
                        sink.accept(rec);
                    }
                }
            }
            return new Read(complete, polled);
        }
    }

    /**
     * {@link #readKeys}, each record decoded by {@code serde}; a record that does not decode is skipped (not judged
     * here: a service's own loop reports poison records).
     */
    public static <T extends StreamEvent> Read readEvents(KafkaClients kafka, String topic, long sinceMs,
                                                          Duration within, Predicate<String> key, EventSerde<T> serde,
                                                          java.util.function.Consumer<T> sink) {
        return readKeys(kafka, topic, sinceMs, within, key, rec -> {
            T e;
            try {
                e = rec.value() == null ? null : serde.decode(rec.value());
            } catch (RuntimeException poison) {
                return;
            }
            if (e != null) {
                sink.accept(e);
            }
        });
    }
}
