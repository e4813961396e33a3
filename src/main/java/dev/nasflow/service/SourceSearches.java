package dev.nasflow.service;

import dev.nasflow.stream.EpochMetric;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.ReplayingConsumer;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.stream.SearchRuns;
import dev.nasflow.stream.StreamEvent;
import dev.nasflow.stream.TopicReader;
import dev.nasflow.stream.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The records of a warm start's source search that the surrogate service does not hold (it finished before the
 * service's last start, so the service did not re-read it), read back from the topics: its events from
 * {@code nasflow.search-events}, then its epochs from {@code nasflow.epoch-metrics} from where its latest run began
 * (less the clock skew {@link SearchRuns#SKEW_MS}), not the topic's whole history. Records of an earlier run of the
 * same id are left out; records that do not decode are skipped.
 */
final class SourceSearches {
    private SourceSearches() {
    }

    /**
     * One source search's records in the order they were published (by timestamp; at a tie an event before an
     * epoch), whether its run had ended, whether both reads reached the end offsets in time, and what they cost.
     */
    record Source(String searchId, List<StreamEvent> records, int events, int metrics, boolean finished,
                  boolean complete, long polled, long millis) {
        /** The same without its records (what is kept once they were replayed into a state). */
        Source withoutRecords() {
            return new Source(searchId, List.of(), events, metrics, finished, complete, polled, millis);
        }
    }

    static Source read(KafkaClients kafka, String searchId, Duration within) {
        long t0 = System.nanoTime();
        long deadline = t0 + within.toNanos();
        List<SearchEvent> events = new ArrayList<>();
        TopicReader.Read r1 = TopicReader.readEvents(kafka, Topics.SEARCH_EVENTS, 0, within,
                k -> searchId.equals(ReplayingConsumer.searchIdOfKey(k)), EventSerde.SEARCH_EVENT, e -> {
                    if (searchId.equals(e.searchId())) {
                        events.add(e);
                    }
                });
        long runStart = SearchRuns.runStart(events);
        events.removeIf(e -> e.timestamp() < runStart);
        List<EpochMetric> metrics = new ArrayList<>();
        TopicReader.Read r2 = new TopicReader.Read(true, 0);
        if (!events.isEmpty()) {
            long first = events.stream().mapToLong(SearchEvent::timestamp).min().orElse(0);
            String prefix = searchId + "-g";
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            r2 = TopicReader.readEvents(kafka, Topics.EPOCH_METRICS, Math.max(1, first - SearchRuns.SKEW_MS), left,
                    k -> k.startsWith(prefix), EventSerde.EPOCH_METRIC, m -> {
                        if (searchId.equals(m.searchId()) && m.timestamp() >= runStart) {
                            metrics.add(m);
                        }
                    });
        }
        List<StreamEvent> records = new ArrayList<StreamEvent>(events.size() + metrics.size());
        records.addAll(events);
        records.addAll(metrics);
        records.sort(Comparator.comparingLong(SourceSearches::timestamp)
                .thenComparingInt(o -> o instanceof SearchEvent ? 0 : 1)); // stable: each topic keeps its order
        boolean finished = events.stream().anyMatch(e -> e.candidateId() == null && e.type().isFinal());
        return new Source(searchId, records, events.size(), metrics.size(), finished, r1.complete() && r2.complete(),
                r1.records() + r2.records(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static long timestamp(StreamEvent o) {
        return o instanceof SearchEvent e ? e.timestamp() : ((EpochMetric) o).timestamp();
    }
}
