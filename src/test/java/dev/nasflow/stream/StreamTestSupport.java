package dev.nasflow.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Polling helpers for broker tests. */
final class StreamTestSupport {
    private StreamTestSupport() {
    }

    /** Polls until {@code n} events matching {@code filter} arrived or {@code timeout} passed. */
    static <T extends StreamEvent> List<Received<T>> pollUntil(EventConsumer<T> c, int n, Duration timeout,
                                                              Predicate<Received<T>> filter) {
        List<Received<T>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            for (Received<T> r : c.poll(Duration.ofMillis(200))) {
                if (filter.test(r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** Polls raw records until {@code n} matching ones arrived or {@code timeout} passed. */
    static List<ConsumerRecord<byte[], byte[]>> pollRaw(Consumer<byte[], byte[]> c, int n, Duration timeout,
                                                       Predicate<ConsumerRecord<byte[], byte[]>> filter) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (filter.test(r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
