package dev.nasflow.stream;

import dev.nasflow.model.SearchEventType;

import java.util.List;

/**
 * Where a search's latest run begins: a search id may be started again once its run finished, and the new run's
 * candidates have the old run's ids, so a reader of a search's records from the topics keeps those of its latest run.
 */
public final class SearchRuns {
    private SearchRuns() {
    }

    /** Clock skew between the hosts publishing a search's events and its metrics that the run boundary tolerates. */
    public static final long SKEW_MS = 60_000;

    /**
     * The start of the latest run on the metrics' clock, from the search's own (search-level) events: the latest
     * {@code STARTED}, less {@link #SKEW_MS} for clock skew, but never before the final event of the run it followed
     * (none of that run's records comes after its final event). 0 when the search was started once. Candidate events
     * in {@code events} are ignored.
     */
    public static long runStart(List<SearchEvent> events) {
        long started = Long.MIN_VALUE;
        for (SearchEvent e : events) {
            if (e.candidateId() == null && e.type() == SearchEventType.STARTED) {
                started = Math.max(started, e.timestamp());
            }
        }
        long previousEnd = Long.MIN_VALUE;
        for (SearchEvent e : events) {
            if (e.candidateId() == null && e.type().isFinal() && e.timestamp() <= started) {
                previousEnd = Math.max(previousEnd, e.timestamp());
            }
        }
        if (previousEnd == Long.MIN_VALUE) {
            return 0; // one run: every record of the search is its
        }
        return Math.max(previousEnd, started - SKEW_MS);
    }
}
