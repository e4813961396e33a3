package dev.nasflow.stopping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The learning curves of one search, as the early-stopping rules see them.
 *
 * <ul>
 *   <li><b>Curves.</b> Per candidate, the values by epoch (1-based). Points may arrive out of order and with gaps.
 *       A (candidate, epoch) is recorded once: a duplicate (a Kafka redelivery) is ignored and
 *       {@link #record} returns {@code false}, so the first value wins and no rule sees the same epoch twice.</li>
 *   <li><b>NaN-safety.</b> Non-finite values (NaN, +/-Infinity) are stored as "no usable value": the epoch counts as
 *       reported, but running averages and bests skip it. A curve with no finite value up to an epoch has running
 *       average and best {@link Double#NEGATIVE_INFINITY}: it ranks as the worst.</li>
 *   <li><b>Finished candidates</b> ({@link #finish}) completed their training; their curves are the references for
 *       "best final value" (curve and surrogate rules) and for the strict-Vizier median mode.</li>
 *   <li><b>Decisions.</b> At most one {@link StopVerdict} per candidate ({@link #markDecided},
 *       {@link #alreadyDecided}).</li>
 *   <li><b>Memory bound.</b> At most {@code maxCandidates} curves (default {@value #DEFAULT_MAX_CANDIDATES}) of at most
 *       {@code maxEpochs} epochs each (default {@value #DEFAULT_MAX_EPOCHS}); a curve takes 21 bytes per epoch of
 *       capacity (capacity doubles from 16, so at most about 42 bytes per reported epoch), so the default ceiling
 *       for 200-epoch curves is about 85 MB per search, while a typical search of a few hundred candidates uses
 *       well under 2 MB. When a new candidate arrives at a full store, the oldest
 *       (first seen) candidate that is finished or stopped is evicted, else the oldest candidate; its curve and
 *       decision are forgotten (a point for an evicted candidate starts a new curve). A point beyond
 *       {@code maxEpochs} is rejected with an {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Iteration order is the order in which candidates were first seen, so decisions are a deterministic function of
 * the sequence of calls. Not thread-safe: confine a store to one thread (the consumer's poll loop) or synchronise.
 */
public final class CurveStore {
    public static final int DEFAULT_MAX_CANDIDATES = 10_000;
    public static final int DEFAULT_MAX_EPOCHS = 10_000;

    private final String searchId;
    private final int maxCandidates;
    private final int maxEpochs;
    private final LinkedHashMap<String, Curve> curves = new LinkedHashMap<>();
    /** Bumped whenever the finished candidates or anything of theirs changes (see {@link #finishedMemo}). */
    private long finishedVersion;
    private final Map<String, double[]> finishedMemos = new HashMap<>();

    public CurveStore(String searchId) {
        this(searchId, DEFAULT_MAX_CANDIDATES, DEFAULT_MAX_EPOCHS);
    }

    public CurveStore(String searchId, int maxCandidates, int maxEpochs) {
        if (searchId == null || searchId.isBlank()) {
            throw new IllegalArgumentException("searchId: must be a non-empty search id");
        }
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates: must be >= 1, got " + maxCandidates);
        }
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs: must be >= 1, got " + maxEpochs);
        }
        this.searchId = searchId;
        this.maxCandidates = maxCandidates;
        this.maxEpochs = maxEpochs;
    }

    public String searchId() {
        return searchId;
    }

    /**
     * Records a point. Returns {@code true} when (candidate, epoch) is new, {@code false} for a duplicate (ignored,
     * the first value wins).
     *
     * @throws IllegalArgumentException when the point belongs to another search or its epoch exceeds maxEpochs
     */
    public boolean record(CurvePoint p) {
        if (!searchId.equals(p.searchId())) {
            throw new IllegalArgumentException("searchId: point of search '" + p.searchId()
                    + "' given to the store of search '" + searchId + "'");
        }
        if (p.epoch() > maxEpochs) {
            throw new IllegalArgumentException("epoch: " + p.epoch() + " exceeds this store's limit of " + maxEpochs
                    + " epochs per curve; raise maxEpochs of the CurveStore");
        }
        Curve c = curves.get(p.candidateId());
        if (c == null) {
            if (curves.size() >= maxCandidates) {
                evictOne();
            }
            c = new Curve();
            curves.put(p.candidateId(), c);
        }
        if (c.archHash == null && p.archHash() != null) {
            c.archHash = p.archHash();
        }
        if (c.finished) {
            finishedVersion++;
        }
        c.targetEpochs = p.targetEpochs();
        return c.put(p.epoch(), p.value());
    }

    /** Marks a candidate as finished (its training completed); its curve becomes a reference. Unknown ids are kept. */
    public void finish(String candidateId) {
        Curve c = curves.get(candidateId);
        if (c == null) {
            if (curves.size() >= maxCandidates) {
                evictOne();
            }
            c = new Curve();
            curves.put(candidateId, c);
        }
        c.finished = true;
        finishedVersion++;
    }

    /**
     * Marks a candidate as ended without completing its training (failed, diverged, cancelled, or stopped by someone
     * other than this stopper): it will never finish, so no rule may count on its final value (the pareto rule's
     * running references). Its curve and any decision are kept; unknown ids are ignored.
     */
    public void end(String candidateId) {
        Curve c = curves.get(candidateId);
        if (c != null) {
            c.ended = true;
        }
    }

    /**
     * True when {@code other} is another candidate than {@code self} that may still reach {@code target}: not
     * finished, not ended, no stop decided for it, and training towards the same target epoch. The running rivals
     * that rules compare a candidate with before anyone finished ({@code surrogate}'s and {@code pareto}'s running
     * references).
     */
    public boolean isRunningRival(String other, String self, int target) {
        return !other.equals(self) && !isFinished(other) && !isEnded(other) && !alreadyDecided(other)
                && targetEpochs(other) == target;
    }

    /** True once {@link #end} was called for the candidate. */
    public boolean isEnded(String candidateId) {
        Curve c = curves.get(candidateId);
        return c != null && c.ended;
    }

    /** Remembers a stop decision. Returns {@code false} (and changes nothing) when the candidate was already decided. */
    public boolean markDecided(StopVerdict v) {
        if (!searchId.equals(v.searchId())) {
            throw new IllegalArgumentException("searchId: verdict of search '" + v.searchId()
                    + "' given to the store of search '" + searchId + "'");
        }
        Curve c = curves.get(v.candidateId());
        if (c == null) {
            if (curves.size() >= maxCandidates) {
                evictOne();
            }
            c = new Curve();
            curves.put(v.candidateId(), c);
        }
        if (c.decision != null) {
            return false;
        }
        c.decision = v;
        return true;
    }

    /** True when a stop verdict was already taken for this candidate. */
    public boolean alreadyDecided(String candidateId) {
        Curve c = curves.get(candidateId);
        return c != null && c.decision != null;
    }

    public Optional<StopVerdict> decision(String candidateId) {
        Curve c = curves.get(candidateId);
        return c == null ? Optional.empty() : Optional.ofNullable(c.decision);
    }

    /** All verdicts, in the order the candidates were first seen. */
    public List<StopVerdict> decisions() {
        List<StopVerdict> out = new ArrayList<>();
        for (Curve c : curves.values()) {
            if (c.decision != null) {
                out.add(c.decision);
            }
        }
        return out;
    }

    /** Candidate ids in first-seen order (unmodifiable snapshot). */
    public List<String> candidates() {
        return List.copyOf(curves.keySet());
    }

    public int size() {
        return curves.size();
    }

    public boolean contains(String candidateId) {
        return curves.containsKey(candidateId);
    }

    public boolean isFinished(String candidateId) {
        Curve c = curves.get(candidateId);
        return c != null && c.finished;
    }

    /** The candidate's target epochs (fidelity) from its latest point; 0 when unknown. */
    public int targetEpochs(String candidateId) {
        Curve c = curves.get(candidateId);
        return c == null ? 0 : c.targetEpochs;
    }

    public Optional<String> archHash(String candidateId) {
        Curve c = curves.get(candidateId);
        return c == null ? Optional.empty() : Optional.ofNullable(c.archHash);
    }

    /** The highest epoch reported for the candidate; 0 when none. */
    public int lastEpoch(String candidateId) {
        Curve c = curves.get(candidateId);
        return c == null ? 0 : c.last;
    }

    /** True when the candidate reported this epoch (even with a non-finite value). */
    public boolean has(String candidateId, int epoch) {
        Curve c = curves.get(candidateId);
        return c != null && c.has(epoch);
    }

    /** The value at this epoch; NaN when not reported or not finite. */
    public double value(String candidateId, int epoch) {
        Curve c = curves.get(candidateId);
        return c == null || !c.has(epoch) ? Double.NaN : c.values[epoch];
    }

    /** The candidate's finite values at epochs 1..min(t, lastEpoch), in epoch order, with their epochs. */
    public double[][] finitePoints(String candidateId, int t) {
        Curve c = curves.get(candidateId);
        if (c == null) {
            return new double[2][0];
        }
        int upTo = Math.min(t, c.last);
        int n = upTo < 1 ? 0 : c.count[upTo];
        double[] xs = new double[n];
        double[] ys = new double[n];
        int k = 0;
        for (int e = 1; e <= upTo; e++) {
            if (c.has(e) && !Double.isNaN(c.values[e])) {
                xs[k] = e;
                ys[k] = c.values[e];
                k++;
            }
        }
        return new double[][] {xs, ys};
    }

    /**
     * Mean of the finite values at epochs 1..t; {@link Double#NEGATIVE_INFINITY} when there is none (the curve ranks
     * worst).
     */
    public double runningAverage(String candidateId, int t) {
        Curve c = curves.get(candidateId);
        if (c == null || t < 1) {
            return Double.NEGATIVE_INFINITY;
        }
        int upTo = Math.min(t, c.last);
        if (upTo < 1 || c.count[upTo] == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return c.sum[upTo] / c.count[upTo];
    }

    /** Largest finite value at epochs 1..t; {@link Double#NEGATIVE_INFINITY} when there is none. */
    public double bestUpTo(String candidateId, int t) {
        Curve c = curves.get(candidateId);
        if (c == null || t < 1) {
            return Double.NEGATIVE_INFINITY;
        }
        int upTo = Math.min(t, c.last);
        double best = Double.NEGATIVE_INFINITY;
        for (int e = 1; e <= upTo; e++) {
            if (c.has(e) && c.values[e] > best) {
                best = c.values[e];
            }
        }
        return best;
    }

    /**
     * The best final value among finished candidates whose curve reached {@code epochs}: the value each reported at
     * that epoch (non-finite ones skipped). Returns the best and how many finite references there were.
     */
    public Reference bestFinal(int epochs) {
        double best = Double.NEGATIVE_INFINITY;
        String bestId = null;
        int n = 0;
        for (Map.Entry<String, Curve> en : curves.entrySet()) {
            Curve c = en.getValue();
            if (!c.finished || !c.has(epochs) || Double.isNaN(c.values[epochs])) {
                continue;
            }
            n++;
            if (c.values[epochs] > best) {
                best = c.values[epochs];
                bestId = en.getKey();
            }
        }
        return new Reference(bestId, best, n);
    }

    /**
     * Records metrics of a candidate that are known before (or independently of) its training: the cost model's
     * {@code params}, {@code flops}, {@code latencyMs}. Finite values are kept (a later value of the same name
     * replaces an earlier one); the candidate is created if unknown, like {@link #finish}. The multi-objective rule
     * reads them ({@link ParetoStoppingRule}).
     */
    public void recordStatics(String candidateId, Map<String, ? extends Number> metrics) {
        if (metrics == null || metrics.isEmpty()) {
            return;
        }
        Curve c = curves.get(candidateId);
        if (c == null) {
            if (curves.size() >= maxCandidates) {
                evictOne();
            }
            c = new Curve();
            curves.put(candidateId, c);
        }
        if (c.finished) {
            finishedVersion++;
        }
        for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
            if (e.getKey() != null && e.getValue() != null && Double.isFinite(e.getValue().doubleValue())) {
                if (c.statics == null) {
                    c.statics = new LinkedHashMap<>();
                }
                c.statics.put(e.getKey(), e.getValue().doubleValue());
            }
        }
    }

    /** A metric recorded with {@link #recordStatics}; NaN when unknown. */
    public double staticMetric(String candidateId, String name) {
        Curve c = curves.get(candidateId);
        Double v = c == null || c.statics == null ? null : c.statics.get(name);
        return v == null ? Double.NaN : v;
    }

    /**
     * A rule's memo of a per-epoch estimate derived from the candidate's own curve up to {@code epoch} (a pure function
     * of those points, so caching it changes no decision); NaN when none was stored.
     */
    public double estimate(String candidateId, int epoch) {
        Curve c = curves.get(candidateId);
        return c == null ? Double.NaN : at(c.estimates, epoch);
    }

    /** Stores a memo for {@link #estimate} (ignored for an unknown candidate or an epoch it has not reported). */
    public void putEstimate(String candidateId, int epoch, double value) {
        Curve c = curves.get(candidateId);
        if (c == null || !c.has(epoch)) {
            return;
        }
        c.estimates = withRoom(c.estimates, epoch, c.values.length);
        c.estimates[epoch] = value;
    }

    /**
     * The surrogate's prediction of the candidate's final value (oriented: larger is better) made from its curve up to
     * exactly {@code epoch}, as a rule recorded it with {@link #putPrediction}; NaN when none was recorded.
     */
    public double prediction(String candidateId, int epoch) {
        Curve c = curves.get(candidateId);
        return c == null ? Double.NaN : at(c.predictions, epoch);
    }

    /**
     * Records the prediction made from epoch {@code epoch} of the candidate's curve (ignored for an unknown candidate,
     * an epoch outside 1..maxEpochs, or a value that is not finite; the epoch's metric may be recorded later, as a
     * prediction can overtake it). Predictions of finished candidates are what a rule calibrates the predictions of
     * running ones by; they go with the candidate's curve when it is evicted.
     */
    public void putPrediction(String candidateId, int epoch, double value) {
        Curve c = curves.get(candidateId);
        if (c == null || epoch < 1 || epoch > maxEpochs || !Double.isFinite(value)) {
            return;
        }
        c.predictions = withRoom(c.predictions, epoch, c.values.length);
        if (c.finished) {
            finishedVersion++;
        }
        c.predictions[epoch] = value;
    }

    /** A prediction of a candidate's final value (oriented) that a rule recorded as it judged an epoch. */
    public record Judged(int epoch, double mean, double std) {
    }

    /**
     * The prediction a rule recorded for the candidate with {@link #putJudged}, from the latest epoch it recorded one
     * at, or null when none was recorded.
     */
    public Judged latestJudged(String candidateId) {
        Curve c = curves.get(candidateId);
        return c == null || c.judgedEpoch < 1 ? null : new Judged(c.judgedEpoch, c.judgedMean, c.judgedStd);
    }

    /**
     * Records the predicted final value (mean and spread, oriented) of the candidate made from epoch {@code epoch}
     * (ignored for an unknown candidate, a mean that is not finite, or an epoch before the latest one recorded; a
     * spread that is not finite or negative counts as 0).
     */
    public void putJudged(String candidateId, int epoch, double mean, double std) {
        Curve c = curves.get(candidateId);
        if (c == null || !Double.isFinite(mean) || epoch < c.judgedEpoch || epoch < 1) {
            return;
        }
        c.judgedEpoch = epoch;
        c.judgedMean = mean;
        c.judgedStd = Double.isFinite(std) && std > 0 ? std : 0;
    }

    /** The value of {@code perEpoch} (null: none) at {@code epoch}, NaN when it has none there. */
    private static double at(double[] perEpoch, int epoch) {
        return perEpoch == null || epoch < 1 || epoch >= perEpoch.length ? Double.NaN : perEpoch[epoch];
    }

    /** {@code perEpoch} (null: none yet) with a slot for {@code epoch}: grown to at least {@code min}, new slots NaN. */
    private static double[] withRoom(double[] perEpoch, int epoch, int min) {
        if (perEpoch != null && epoch < perEpoch.length) {
            return perEpoch;
        }
        double[] e = new double[Math.max(epoch + 1, min)];
        Arrays.fill(e, Double.NaN);
        if (perEpoch != null) {
            System.arraycopy(perEpoch, 0, e, 0, perEpoch.length);
        }
        return e;
    }

    /**
     * A rule's memo of a statistic over the finished candidates (e.g. how well their estimates at one epoch rank their
     * finals), valid while no candidate finishes, is evicted, or has a finished curve or cost changed; NaN when none is
     * stored or it is stale. Caching such a pure function of the finished curves changes no decision.
     */
    public double finishedMemo(String key) {
        double[] m = finishedMemos.get(key);
        return m != null && (long) m[0] == finishedVersion ? m[1] : Double.NaN;
    }

    /** Stores a memo for {@link #finishedMemo}. */
    public void putFinishedMemo(String key, double value) {
        finishedMemos.put(key, new double[] {finishedVersion, value});
    }

    /** The best finished value at an epoch: which candidate, its value, and how many finished references exist. */
    public record Reference(String candidateId, double value, int count) {
    }

    private void evictOne() {
        finishedVersion++;
        Iterator<Map.Entry<String, Curve>> it = curves.entrySet().iterator();
        while (it.hasNext()) {
            Curve c = it.next().getValue();
            if (c.finished || c.decision != null) {
                it.remove();
                return;
            }
        }
        it = curves.entrySet().iterator();
        it.next();
        it.remove();
    }

    /** One growable curve with prefix sums/counts of finite values, maintained on insert. */
    private static final class Curve {
        double[] values = new double[16];
        boolean[] present = new boolean[16];
        double[] sum = new double[16];   // sum of finite values at epochs 1..e
        int[] count = new int[16];       // number of finite values at epochs 1..e
        int last;
        int targetEpochs;
        String archHash;
        boolean finished;
        boolean ended;                   // ended without completing (failed, diverged, stopped elsewhere)
        StopVerdict decision;
        Map<String, Double> statics;     // known before training (cost model): params, flops, latencyMs
        double[] estimates;              // a rule's memo per epoch (NaN = none)
        double[] predictions;            // a surrogate's predicted final made from epoch e (NaN = none)
        int judgedEpoch;                 // the latest epoch a rule recorded a predicted final at (0: none)
        double judgedMean;               // that predicted final: mean
        double judgedStd;                // and spread

        boolean has(int e) {
            return e >= 1 && e <= last && present[e];
        }

        boolean put(int e, double v) {
            if (has(e)) {
                return false;
            }
            ensure(e);
            values[e] = Double.isFinite(v) ? v : Double.NaN;
            present[e] = true;
            int from = Math.min(e, last + 1);
            int to = Math.max(e, last);
            last = to;
            for (int i = from; i <= to; i++) {
                boolean ok = present[i] && !Double.isNaN(values[i]);
                sum[i] = sum[i - 1] + (ok ? values[i] : 0);
                count[i] = count[i - 1] + (ok ? 1 : 0);
            }
            return true;
        }

        private void ensure(int e) {
            if (e < values.length) {
                return;
            }
            int n = Math.max(e + 1, values.length * 2);
            values = Arrays.copyOf(values, n);
            present = Arrays.copyOf(present, n);
            sum = Arrays.copyOf(sum, n);
            count = Arrays.copyOf(count, n);
        }
    }
}
