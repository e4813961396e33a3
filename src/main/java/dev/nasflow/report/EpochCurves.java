package dev.nasflow.report;

import dev.nasflow.stream.EventSerde;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.SearchRuns;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.Topics;

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
    static final long SKEW_MS = SearchRuns.SKEW_MS;

    public static Read read(KafkaClients kafka, String searchId, String metric, Duration timeout) {
        String prefix = searchId + "-g";
        long since = runStart(kafka, searchId, timeout);
        Map<String, TreeMap<Integer, double[]>> points = new LinkedHashMap<>();
        TopicReader.Read r = TopicReader.readEvents(kafka, Topics.EPOCH_METRICS, 0, timeout,
                k -> k.startsWith(prefix), EventSerde.EPOCH_METRIC, m -> {
                    if (!searchId.equals(m.searchId()) || m.timestamp() < since) {
                        return; // another search, or an earlier run of this search's id
                    }
                    points.computeIfAbsent(m.candidateId(), k -> new TreeMap<>())
                            .put(m.epoch(), new double[]{m.metric(metric), m.timestamp()});
                });
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
        return new Read(curves, r.complete(), r.records());
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
        return SearchRuns.runStart(events);
    }
}
