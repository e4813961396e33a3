package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Asynchronous successive halving (ASHA), Li et al. 2020. Rungs are {@code r_k = minEpochs·η^k} (rounded) while below
 * {@code maxEpochs}, plus {@code maxEpochs} as the top rung. For every free slot {@link #propose} looks for a promotion,
 * from the highest rung down: a configuration of rung k that is among the top {@code floor(n_k/η)} results of that
 * rung ({@code n_k} = results recorded at rung k, failures included and ranked last) and has not been promoted yet is
 * proposed again at rung k+1 (the best such one; ties go to the earlier result). Without any promotion it proposes a
 * new random architecture (never one already used) at rung 0. Never waits.
 *
 * <p>A configuration is identified by its genome: a {@link Proposal} for a genome already proposed, at more epochs, is
 * a promotion, and {@link Proposal#epochs()} is the total number of epochs the configuration should have been trained
 * for at that rung (a trainer may resume from the previous rung's checkpoint and train only the difference). An
 * observation is booked at the rung the genome was proposed for; a result that is FAILED, DIVERGED, INFEASIBLE or
 * STOPPED_EARLY before reaching the rung's epochs is booked there as the worst result (it counts in {@code n_k} but is
 * never promoted). Results for genomes this strategy did not propose are booked at the highest rung not above their
 * epochs.
 */
public final class Asha implements Strategy {
    /** {@code asha}: asynchronous successive halving over fidelities minEpochs..epochs. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("asha",
                    (ctx, p, predictor) -> new Asha(ctx, p.number("eta")),
                    ParamDef.number("eta", 2, 10, 3, "reduction factor: rungs grow by eta, the top 1/eta is promoted"))
            .with(StrategyDescriptor.Trait.MULTI_FIDELITY);

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final double eta;
    private final int[] rungs;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    /** Results per rung, in arrival order. */
    private final List<List<Result>> results = new ArrayList<>();
    /**
     * Results per rung, best first, ties in arrival order (what a stable sort of {@link #results} gives), kept sorted
     * as results arrive so that a proposal does not sort the rung again (a replay of 10,000 results took seconds).
     */
    private final List<List<Result>> ranked = new ArrayList<>();
    /** Per rung: every entry of {@link #ranked} before this index is promoted (promotions are never undone). */
    private int[] promotedPrefix;
    /** Genomes promoted out of each rung. */
    private final List<Set<Genome>> promoted = new ArrayList<>();
    /** In-flight proposals → rung index. */
    private final Map<Genome, Integer> pending = new LinkedHashMap<>();
    /** Warm start: the best priors from another task, started at rung 0 before any random architecture. */
    private final java.util.ArrayDeque<Genome> seeds = new java.util.ArrayDeque<>();

    record Result(Genome genome, double value) {
    }

    public Asha(StrategyContext ctx, double eta) {
        if (!(eta > 1)) {
            throw new IllegalArgumentException("strategy.params.eta: must be greater than 1, got " + eta);
        }
        this.ctx = ctx;
        this.space = ctx.space();
        this.eta = eta;
        this.rungs = rungs(ctx.minEpochs(), ctx.maxEpochs(), eta);
        this.rng = new Random(ctx.seed());
        for (int i = 0; i < rungs.length; i++) {
            results.add(new ArrayList<>());
            ranked.add(new ArrayList<>());
            promoted.add(new HashSet<>());
        }
        this.promotedPrefix = new int[rungs.length];
    }

    /** The rung ladder: {@code round(minEpochs·η^k)} while below {@code maxEpochs}, then {@code maxEpochs}. */
    public static int[] rungs(int minEpochs, int maxEpochs, double eta) {
        if (minEpochs < 1 || maxEpochs < minEpochs) {
            throw new IllegalArgumentException("multi-fidelity search needs 1 <= minEpochs <= maxEpochs, got minEpochs "
                    + minEpochs + ", maxEpochs " + maxEpochs + "; fix the fidelity epochs range");
        }
        List<Integer> r = new ArrayList<>();
        for (int k = 0; ; k++) {
            long e = Math.round(minEpochs * StrictMath.pow(eta, k));
            if (e >= maxEpochs) {
                break;
            }
            r.add((int) e);
        }
        r.add(maxEpochs);
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    /** The rung epochs, lowest first. */
    public int[] rungs() {
        return rungs.clone();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n) {
            Result p = null;
            int from = -1;
            for (int k = rungs.length - 2; k >= 0 && p == null; k--) {
                p = promotable(k);
                from = k;
            }
            if (p != null) {
                promoted.get(from).add(p.genome);
                pending.put(p.genome, from + 1);
                out.add(new Proposal(p.genome, rungs[from + 1]));
                continue;
            }
            Genome g = Unseen.seededOrRandom(seeds, space, rng, proposed);
            if (g == null) {
                break;
            }
            proposed.add(g);
            pending.put(g, 0);
            out.add(new Proposal(g, rungs[0]));
        }
        return out;
    }

    /** The best not-yet-promoted, non-failed result among the top floor(n_k/η) of rung k, or null. */
    private Result promotable(int k) {
        List<Result> sorted = ranked.get(k);
        int top = (int) Math.floor(sorted.size() / eta + 1e-9);
        if (top == 0) {
            return null;
        }
        Set<Genome> done = promoted.get(k);
        int i = promotedPrefix[k];
        while (i < top && done.contains(sorted.get(i).genome)) {
            i++;
        }
        promotedPrefix[k] = i;
        for (; i < top; i++) {
            Result r = sorted.get(i);
            if (r.value != Fitness.WORST && !promoted.get(k).contains(r.genome) && !pending.containsKey(r.genome)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void observe(Observation o) {
        Genome g = o.genome();
        Integer k = pending.remove(g);
        if (k == null) {
            k = -1;
            for (int i = 0; i < rungs.length; i++) {
                if (rungs[i] <= o.epochs()) {
                    k = i;
                }
            }
            if (k < 0 || booked(k, g)) {
                return;
            }
            proposed.add(g);
        }
        boolean reached = o.outcome() == Outcome.COMPLETED
                || (o.outcome() == Outcome.STOPPED_EARLY && o.epochs() >= rungs[k]);
        double v = reached ? Fitness.primary(ctx, o) : Fitness.WORST;
        Result r = new Result(g, v);
        results.get(k).add(r);
        // insert after every entry that a stable best-first sort keeps before it (better or equal value)
        List<Result> sorted = ranked.get(k);
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(v, sorted.get(mid).value) > 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        sorted.add(lo, r);
        if (lo < promotedPrefix[k]) {
            promotedPrefix[k] = lo;
        }
    }

    /**
     * Seeds the rungs: a prior measured on this task is booked at the highest rung not above its epochs (as a result
     * this strategy did not propose, so it competes for promotion with this search's results); priors from another
     * task are the first new architectures started at rung 0, best first (ranking only).
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                observe(p.observation());
            }
        }
        for (Prior p : Prior.ranked(ctx, priors, true)) {
            seeds.addLast(p.genome());
        }
    }

    private boolean booked(int k, Genome g) {
        for (Result r : results.get(k)) {
            if (r.genome.equals(g)) {
                return true;
            }
        }
        return false;
    }

    /** Number of results recorded at each rung. */
    public int[] rungCounts() {
        return results.stream().mapToInt(List::size).toArray();
    }

    @Override
    public boolean exhausted() {
        if (!pending.isEmpty() || !Unseen.allSeen(space, proposed)) {
            return false;
        }
        for (int k = rungs.length - 2; k >= 0; k--) {
            if (promotable(k) != null) {
                return false;
            }
        }
        return true;
    }
}
