package dev.nasflow.stopping;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The decision core of the early-stopping service, free of Kafka and Temporal: one instance per stopper process
 * holds a {@link CurveStore} and a {@link StoppingRule} per search, and turns each incoming epoch metric into at most
 * one {@link StopVerdict} per candidate.
 *
 * <p>Per point ({@link #onEpoch}):
 * <ol>
 *   <li>the point is recorded in its search's store; a duplicate (candidate, epoch) — a redelivery — returns empty
 *       without consulting the rule, so each (candidate, rung/epoch) is judged at most once;</li>
 *   <li>a candidate already stopped or finished is not judged again;</li>
 *   <li>otherwise the search's rule decides; a verdict is remembered in the store before it is returned.</li>
 * </ol>
 * Delivery is the caller's job: send the verdict as the workflow's {@code stopCandidate(candidateId, reason)}
 * update and publish it to {@code nasflow.stop-decisions}, then commit the offset. To retry a delivery that failed,
 * fetch the verdict again with {@link #decision}. The state is in memory: a restarted stopper rebuilds it by
 * replaying the metric topic (the rules are deterministic, so the same points in the same order give the same
 * verdicts).
 *
 * <p>Memory: at most {@code maxSearches} searches (default {@value #DEFAULT_MAX_SEARCHES}); beyond that the search
 * touched least recently is dropped. Call {@link #forget} when a search ends. Each store is bounded as documented
 * in {@link CurveStore}. Not thread-safe: use it from the consumer's poll thread.
 */
public final class EarlyStopper {
    public static final int DEFAULT_MAX_SEARCHES = 100;

    private final StoppingRule defaultRule;
    private final int maxSearches;
    private final int maxCandidates;
    private final int maxEpochs;
    private final LinkedHashMap<String, Search> searches = new LinkedHashMap<>(16, 0.75f, true);

    /** A stopper applying {@code defaultRule} to every search not {@linkplain #configure configured} otherwise. */
    public EarlyStopper(StoppingRule defaultRule) {
        this(defaultRule, DEFAULT_MAX_SEARCHES, CurveStore.DEFAULT_MAX_CANDIDATES, CurveStore.DEFAULT_MAX_EPOCHS);
    }

    public EarlyStopper(StoppingRule defaultRule, int maxSearches, int maxCandidatesPerSearch, int maxEpochs) {
        if (defaultRule == null) {
            throw new IllegalArgumentException("defaultRule: required (use NoStopping.INSTANCE for none)");
        }
        if (maxSearches < 1) {
            throw new IllegalArgumentException("maxSearches: must be >= 1, got " + maxSearches);
        }
        this.defaultRule = defaultRule;
        this.maxSearches = maxSearches;
        this.maxCandidates = maxCandidatesPerSearch;
        this.maxEpochs = maxEpochs;
    }

    /** Sets the rule of a search (from its spec). Curves already recorded are kept. */
    public void configure(String searchId, StoppingRule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("rule: required (use NoStopping.INSTANCE for none)");
        }
        search(searchId).rule = rule;
    }

    /** The rule a search's points are judged by. */
    public StoppingRule rule(String searchId) {
        Search s = searches.get(searchId);
        return s == null ? defaultRule : s.rule;
    }

    /** Records the point and returns a verdict when the candidate must be stopped now (at most once per candidate). */
    public Optional<StopVerdict> onEpoch(CurvePoint p) {
        if (!record(p)) {
            return Optional.empty();
        }
        return judge(p);
    }

    /**
     * Records the point without judging it; returns false for a duplicate. Pair with {@link #judge} when the rule must
     * wait for something (the surrogate rule waits for the prediction made from this epoch).
     */
    public boolean record(CurvePoint p) {
        return search(p.searchId()).store.record(p);
    }

    /**
     * Judges a point recorded earlier with {@link #record} (other points may have been recorded since): a verdict when
     * the candidate must be stopped now (at most once per candidate; none once it finished).
     */
    public Optional<StopVerdict> judge(CurvePoint p) {
        Search s = search(p.searchId());
        if (s.store.alreadyDecided(p.candidateId()) || s.store.isFinished(p.candidateId())) {
            return Optional.empty();
        }
        Optional<StopVerdict> v = s.rule.onEpoch(p, s.store);
        if (v.isPresent()) {
            StopVerdict verdict = v.get();
            if (!verdict.candidateId().equals(p.candidateId()) || !verdict.searchId().equals(p.searchId())) {
                throw new IllegalStateException("rule " + s.rule.name() + " returned a verdict for "
                        + verdict.searchId() + "/" + verdict.candidateId() + " on a point of "
                        + p.searchId() + "/" + p.candidateId());
            }
            s.store.markDecided(verdict);
        }
        return v;
    }

    /** Marks a candidate finished (its training completed); its curve then serves as a reference. */
    public void onFinished(String searchId, String candidateId) {
        search(searchId).store.finish(candidateId);
    }

    /**
     * Records that a candidate ended without completing its training (failed, diverged, or stopped early by any
     * stopper): rules no longer count on it reaching its final value. It stays judged as before.
     */
    public void onEnded(String searchId, String candidateId) {
        Search s = searches.get(searchId);
        if (s != null) {
            s.store.end(candidateId);
        }
    }

    /**
     * Records a candidate's metrics known before training (the cost model's params, flops, latencyMs: from its start
     * event, or its finish event's metrics); the multi-objective rule reads them.
     */
    public void onStatics(String searchId, String candidateId, Map<String, ? extends Number> metrics) {
        search(searchId).store.recordStatics(candidateId, metrics);
    }

    /** The verdict already taken for a candidate, if any (for re-delivery). */
    public Optional<StopVerdict> decision(String searchId, String candidateId) {
        Search s = searches.get(searchId);
        return s == null ? Optional.empty() : s.store.decision(candidateId);
    }

    /** The curves of a search, if it is known. */
    public Optional<CurveStore> store(String searchId) {
        return Optional.ofNullable(searches.get(searchId)).map(s -> s.store);
    }

    /** Drops all state of a search (call when it ends). */
    public void forget(String searchId) {
        searches.remove(searchId);
    }

    public int searchCount() {
        return searches.size();
    }

    private Search search(String searchId) {
        Search s = searches.get(searchId);
        if (s == null) {
            if (searches.size() >= maxSearches) {
                Iterator<Map.Entry<String, Search>> it = searches.entrySet().iterator();
                it.next();
                it.remove();
            }
            s = new Search(new CurveStore(searchId, maxCandidates, maxEpochs), defaultRule);
            searches.put(searchId, s);
        }
        return s;
    }

    private static final class Search {
        final CurveStore store;
        StoppingRule rule;

        Search(CurveStore store, StoppingRule rule) {
            this.store = store;
            this.rule = rule;
        }
    }
}
