package dev.nasflow.stopping;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replays known learning curves through a stopping rule to measure what early stopping saves and what it costs in
 * pick quality, without training anything (used by the {@code stoppingSavings} benchmark and its tests).
 *
 * <p>Model: {@code concurrency} training slots. Candidates start in list order. Time advances in ticks; at the start
 * of a tick every free slot takes the next waiting candidate, then every occupied slot, in slot order, trains one
 * epoch: the candidate's value for that epoch is fed to an {@link EarlyStopper} (one epoch of cost). A verdict frees
 * the slot (the candidate is <em>stopped</em>); reaching the last epoch {@code T} frees it too (the candidate is
 * <em>finished</em> and becomes a reference). With an epoch budget, no epoch is trained once the budget is spent:
 * candidates still running then are <em>truncated</em> and those never started are not launched.
 *
 * <p>Pick quality: the pick is the finished candidate with the best final value (epoch {@code T}); it is compared
 * with the true best final value over <em>all</em> supplied candidates. Values are oriented (larger is better).
 * Deterministic: same inputs, same result.
 */
public final class StoppingSimulator {
    private final int concurrency;
    private final long epochBudget;

    /**
     * @param concurrency candidates trained at the same time (at least 1)
     * @param epochBudget total epochs that may be trained, or 0 for no budget (every candidate runs until it is
     *                    stopped or finished)
     */
    public StoppingSimulator(int concurrency, long epochBudget) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: must be >= 1, got " + concurrency);
        }
        if (epochBudget < 0) {
            throw new IllegalArgumentException("epochBudget: must be >= 0 (0 = unlimited), got " + epochBudget);
        }
        this.concurrency = concurrency;
        this.epochBudget = epochBudget;
    }

    /**
     * A candidate with its whole learning curve: {@code curve[e - 1]} is the value after epoch e; {@code statics} are
     * its metrics known before training (the cost model's params, flops, latencyMs; empty when none), recorded when it
     * takes a slot, as the live stopper records them from the candidate's start event.
     */
    public record Candidate(String id, String archHash, double[] curve, Map<String, Double> statics) {
        public Candidate {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id: must be a non-empty candidate id");
            }
            if (curve == null || curve.length == 0) {
                throw new IllegalArgumentException("curve: candidate " + id + " needs at least one epoch");
            }
            curve = curve.clone();
            statics = statics == null ? Map.of() : Map.copyOf(statics);
        }

        public Candidate(String id, String archHash, double[] curve) {
            this(id, archHash, curve, Map.of());
        }

        public Candidate(String id, double[] curve) {
            this(id, null, curve, Map.of());
        }

        public double finalValue() {
            return curve[curve.length - 1];
        }

        @Override
        public double[] curve() {
            return curve.clone();
        }

        /** The value after epoch e (1-based), without copying the curve. */
        public double at(int epoch) {
            return curve[epoch - 1];
        }
    }

    /**
     * Where candidates come from when the search adapts to results (NSGA-II): {@link #next} is asked whenever a slot
     * is free, {@link #ended} hears how each launched candidate ended (stopped after {@code epochs}, or finished).
     */
    public interface Source {
        /**
         * The next candidate; {@link #WAIT} when there is none yet but will be once running candidates end (a
         * generational search waiting for its generation); null when there is none (the search is over).
         */
        Candidate next();

        default void ended(Candidate c, int epochs, boolean stopped) {
        }
    }

    /** What a {@link Source} returns when its next candidate depends on the running ones ending: the slot stays idle. */
    public static final Candidate WAIT = new Candidate("(wait)", null, new double[] {Double.NaN});

    /**
     * What a run cost and picked.
     *
     * @param rule          the rule's name
     * @param candidates    candidates supplied
     * @param launched      candidates that trained at least one epoch
     * @param finished      candidates that reached epoch T
     * @param stopped       candidates stopped by the rule
     * @param truncated     candidates cut by the epoch budget
     * @param epochsSpent   epochs trained in total
     * @param epochsFull    epochs needed to train every supplied candidate to T (candidates x T)
     * @param pickId        the finished candidate with the best final value (null when none finished)
     * @param pickValue     its final value (NaN when none)
     * @param trueBestId    the candidate with the best final value among all supplied
     * @param trueBestValue that value
     * @param ticks         simulated epochs of wall time (ticks) until the last slot went idle
     * @param verdicts      the stop verdicts in the order they were taken
     */
    public record Result(String rule, int candidates, int launched, int finished, int stopped, int truncated,
                         long epochsSpent, long epochsFull, String pickId, double pickValue, String trueBestId,
                         double trueBestValue, long ticks, List<StopVerdict> verdicts) {
        public Result {
            verdicts = List.copyOf(verdicts);
        }

        /** epochsFull / epochsSpent: how many times fewer epochs than training everything fully. */
        public double savingsFactor() {
            return epochsSpent == 0 ? Double.NaN : (double) epochsFull / epochsSpent;
        }

        /** trueBestValue - pickValue (0 when the true best was picked; NaN when nothing finished). */
        public double regret() {
            return trueBestValue - pickValue;
        }
    }

    /**
     * Sees the simulation as it runs (a learning-curve surrogate learns from it): a candidate taking a slot, each
     * epoch before the rule judges it, a candidate reaching T.
     */
    public interface Listener {
        default void started(Candidate c) {
        }

        default void epoch(Candidate c, CurvePoint p) {
        }

        default void finished(Candidate c) {
        }

        Listener NONE = new Listener() {
        };
    }

    /** Runs the candidates through {@code rule}. All curves must have the same length T. */
    public Result run(List<Candidate> candidates, StoppingRule rule) {
        return run(candidates, rule, Listener.NONE);
    }

    /** {@link #run(List, StoppingRule)}, telling {@code listener} what happens. */
    public Result run(List<Candidate> candidates, StoppingRule rule, Listener listener) {
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("candidates: need at least one candidate");
        }
        if (rule == null) {
            throw new IllegalArgumentException("rule: required (use NoStopping.INSTANCE for none)");
        }
        int t = candidates.get(0).curve.length;
        Set<String> ids = new HashSet<>();
        for (Candidate c : candidates) {
            if (c.curve.length != t) {
                throw new IllegalArgumentException("curve: candidate " + c.id() + " has " + c.curve.length
                        + " epochs but " + candidates.get(0).id() + " has " + t + "; all curves need the same length");
            }
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("id: duplicate candidate id " + c.id());
            }
        }
        String trueBestId = null;
        double trueBest = Double.NEGATIVE_INFINITY;
        for (Candidate c : candidates) {
            double f = c.finalValue();
            if (!Double.isNaN(f) && f > trueBest) {
                trueBest = f;
                trueBestId = c.id();
            }
        }
        Deque<Candidate> waiting = new ArrayDeque<>(candidates);
        Result r = run(waiting::poll, candidates.size(), t, rule, listener);
        // the supplied candidates, not only those launched, are the reference of a budgeted run
        return new Result(r.rule(), candidates.size(), r.launched(), r.finished(), r.stopped(), r.truncated(),
                r.epochsSpent(), (long) candidates.size() * t, r.pickId(), r.pickValue(), trueBestId,
                trueBestId == null ? Double.NaN : trueBest, r.ticks(), r.verdicts());
    }

    /**
     * Runs the candidates {@code source} hands out (at most {@code maxCandidates}, each with a curve of {@code epochs}
     * values) through {@code rule}. The true best and {@link Result#candidates} count the candidates launched.
     */
    public Result run(Source source, int maxCandidates, int epochs, StoppingRule rule, Listener listener) {
        if (rule == null) {
            throw new IllegalArgumentException("rule: required (use NoStopping.INSTANCE for none)");
        }
        if (maxCandidates < 1 || epochs < 1) {
            throw new IllegalArgumentException("maxCandidates and epochs: must be >= 1");
        }
        int t = epochs;
        String searchId = "sim";
        EarlyStopper stopper = new EarlyStopper(rule, 1, Math.max(1, maxCandidates),
                Math.max(t, CurveStore.DEFAULT_MAX_EPOCHS));
        Set<String> seen = new HashSet<>();
        String trueBestId = null;
        double trueBest = Double.NEGATIVE_INFINITY;
        boolean sourceDone = false;
        Candidate[] slot = new Candidate[concurrency];
        int[] done = new int[concurrency];
        List<StopVerdict> verdicts = new ArrayList<>();
        long spent = 0;
        long ticks = 0;
        int launched = 0;
        int finished = 0;
        int truncated = 0;
        String pickId = null;
        double pick = Double.NaN;
        boolean budgetLeft = true;
        boolean waiting = false;
        while (budgetLeft) {
            if (epochBudget > 0 && spent >= epochBudget) {
                break;
            }
            boolean any = false;
            for (int s = 0; s < concurrency; s++) {
                if (slot[s] == null && !sourceDone && launched < maxCandidates) {
                    Candidate c = source.next();
                    if (c == null) {
                        sourceDone = true;
                        continue;
                    }
                    if (c == WAIT) {
                        waiting = true;
                        continue;
                    }
                    if (c.curve.length != t) {
                        throw new IllegalArgumentException("curve: candidate " + c.id() + " has " + c.curve.length
                                + " epochs, expected " + t + "; all curves need the same length");
                    }
                    if (!seen.add(c.id())) {
                        throw new IllegalArgumentException("id: duplicate candidate id " + c.id());
                    }
                    double f = c.finalValue();
                    if (!Double.isNaN(f) && f > trueBest) {
                        trueBest = f;
                        trueBestId = c.id();
                    }
                    slot[s] = c;
                    done[s] = 0;
                    launched++;
                    stopper.onStatics(searchId, c.id(), c.statics());
                    listener.started(c);
                }
                any |= slot[s] != null;
            }
            if (!any) {
                if (waiting) {
                    throw new IllegalStateException("the source waits for running candidates to end, but none is "
                            + "running: it would wait forever");
                }
                break;
            }
            waiting = false;
            ticks++;
            for (int s = 0; s < concurrency; s++) {
                Candidate c = slot[s];
                if (c == null) {
                    continue;
                }
                if (epochBudget > 0 && spent >= epochBudget) {
                    budgetLeft = false;
                    break;
                }
                int epoch = ++done[s];
                spent++;
                CurvePoint point = new CurvePoint(searchId, c.id(), epoch, t, c.curve[epoch - 1], c.archHash());
                listener.epoch(c, point);
                Optional<StopVerdict> v = stopper.onEpoch(point);
                if (v.isPresent()) {
                    verdicts.add(v.get());
                    slot[s] = null;
                    source.ended(c, epoch, true);
                } else if (epoch == t) {
                    stopper.onFinished(searchId, c.id());
                    listener.finished(c);
                    source.ended(c, epoch, false);
                    finished++;
                    double f = c.finalValue();
                    if (!Double.isNaN(f) && (pickId == null || f > pick)) {
                        pick = f;
                        pickId = c.id();
                    }
                    slot[s] = null;
                }
            }
        }
        for (Candidate c : slot) {
            if (c != null) {
                truncated++;
            }
        }
        return new Result(rule.name(), launched, launched, finished, verdicts.size(), truncated, spent,
                (long) launched * t, pickId, pick, trueBestId,
                trueBestId == null ? Double.NaN : trueBest, ticks, verdicts);
    }
}
