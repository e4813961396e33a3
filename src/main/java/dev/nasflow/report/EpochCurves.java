package dev.nasflow.report;

import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learning curves of one search, read from {@code nasflow.epoch-metrics}: every partition from its beginning to its
 * current end (no consumer group, nothing committed). Records are keyed by candidate id
 * ({@code <searchId>-g<generation>-c<index>}), so only the search's keys are decoded; an epoch published twice (a
 * resumed attempt) counts once, the last one.
 */
public final class EpochCurves {
    private EpochCurves() {
    }

    /** Result of a read: the curves by candidate id, and whether the whole topic was read before the deadline. */
    public record Read(Map<String, Curve> curves, boolean complete, long records) {
    }

    /** Clock skew between the hosts publishing a search's events and its metrics that the run boundary tolerates. */
    static final long SKEW_MS = 60_000;

    public static Read read(KafkaClients kafka, String searchId, String metric, Duration timeout) {
        String prefix = searchId + "-g";
        long since = runStart(kafka, searchId, timeout);
        Map<String, TreeMap<Integer, double[]>> points = new LinkedHashMap<>();
        long seen = 0;
        boolean complete;
        try (Consumer<byte[], byte[]> c = kafka.consumer(null)) {
            List<PartitionInfo> infos = c.partitionsFor(Topics.EPOCH_METRICS, timeout);
            List<TopicPartition> parts = new ArrayList<>();
            if (infos != null) {
                for (PartitionInfo p : infos) {
                    parts.add(new TopicPartition(p.topic(), p.partition()));
                }
            }
            if (parts.isEmpty()) {
                return new Read(Map.of(), true, 0);
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!(complete = parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp)))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    seen++;
                    if (rec.key() == null || !new String(rec.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        continue;
                    }
                    EpochMetric m;
                    try {
                        m = EventSerde.EPOCH_METRIC.decode(rec.value());
                    } catch (RuntimeException poison) {
                        continue;
                    }
                    if (m == null || !searchId.equals(m.searchId()) || m.timestamp() < since) {
                        continue; // another search, or an earlier run of this search's id
                    }
                    points.computeIfAbsent(m.candidateId(), k -> new TreeMap<>())
                            .put(m.epoch(), new double[]{m.metric(metric), m.timestamp()});
                }
            }
        }
        Map<String, Curve> curves = new LinkedHashMap<>();
        points.forEach((id, byEpoch) -> {
            List<Integer> epochs = new ArrayList<>(byEpoch.keySet());
            List<Double> values = new ArrayList<>();
            long last = 0;
            for (double[] v : byEpoch.values()) {
                values.add(v[0]);
                last = Math.max(last, (long) v[1]);
            }
            curves.put(id, new Curve(epochs, values, last));
        });
        return new Read(curves, complete, seen);
    }

    /**
     * Where the search's latest run begins on the metrics' clock: a search id may be started again once its run
     * finished, and the new run's candidates have the old run's ids. From the search's events: the latest search-level
     * {@code STARTED}, less {@link #SKEW_MS} for clock skew, but never before the final event of the run it followed
     * (none of that run's metrics comes after its final event). 0 when the search was started once, or its events
     * cannot be read.
     */
    static long runStart(KafkaClients kafka, String searchId, Duration timeout) {
        List<SearchEvent> events;
        try {
            events = TopicReader.readToEnd(kafka, Topics.SEARCH_EVENTS, EventSerde.SEARCH_EVENT, timeout,
                    e -> searchId.equals(e.searchId()) && e.candidateId() == null
                            && (e.type() == SearchEventType.STARTED || e.type().isFinal()));
        } catch (RuntimeException unreadable) {
            return 0;
        }
        return runStart(events);
    }

    static long runStart(List<SearchEvent> events) {
        long started = Long.MIN_VALUE;
        for (SearchEvent e : events) {
            if (e.type() == SearchEventType.STARTED) {
                started = Math.max(started, e.timestamp());
            }
        }
        long previousEnd = Long.MIN_VALUE;
        for (SearchEvent e : events) {
            if (e.type().isFinal() && e.timestamp() <= started) {
                previousEnd = Math.max(previousEnd, e.timestamp());
            }
        }
        if (previousEnd == Long.MIN_VALUE) {
            return 0; // one run: every metric of the search is its
        }
        return Math.max(previousEnd, started - SKEW_MS);
    }
}
