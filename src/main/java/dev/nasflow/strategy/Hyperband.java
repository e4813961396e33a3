package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Hyperband, Li et al. 2018. With {@code R = maxEpochs/minEpochs} and {@code s_max = floor(log_η R)}, bracket
 * {@code s = s_max..0} starts {@code n = ceil((s_max+1)/(s+1)·η^s)} new random architectures at {@code r = R·η^-s}
 * units of {@code minEpochs} and runs successive halving: rung {@code i = 0..s} holds {@code n_i = floor(n·η^-i)}
 * configurations at {@code r_i = r·η^i} units ({@code round(minEpochs·r_i)} epochs; the last rung is
 * {@code maxEpochs}), and the best {@code n_{i+1}} results of rung i (failures last and never promoted) go on to rung
 * i+1. After bracket 0 it starts again at {@code s_max}, until the caller stops.
 *
 * <p>Synchronous within a bracket: a rung is decided only when all its results are in, so {@link #propose} returns
 * fewer (or none) while waiting. Promotions re-propose a genome at more epochs (see {@link Asha} for the epochs
 * semantics); new architectures are never ones already used.
 */
public final class Hyperband implements Strategy {
    /** {@code hyperband}: brackets of successive halving over fidelities minEpochs..epochs. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("hyperband",
                    (ctx, p, predictor) -> new Hyperband(ctx, p.number("eta")),
                    ParamDef.number("eta", 2, 10, 3, "reduction factor between rungs and brackets"))
            .with(StrategyDescriptor.Trait.MULTI_FIDELITY);

    /** One rung of a bracket: how many configurations, at how many epochs. */
    public record Rung(int configs, int epochs) {
    }

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final List<List<Rung>> brackets;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    private int bracket = -1;
    private int rung;
    /** Configurations of the current rung still to propose (null entries: new random ones). */
    private final Deque<Genome> toPropose = new ArrayDeque<>();
    private final Map<Genome, Boolean> pending = new LinkedHashMap<>();
    private final List<Genome> rungMembers = new ArrayList<>();
    private final Map<Genome, Double> rungResults = new LinkedHashMap<>();
    private int newToPropose;
    /** Warm start: the best priors, the first new configurations of the brackets (before random ones). */
    private final Deque<Genome> seeds = new ArrayDeque<>();
    private boolean exhausted;

    public Hyperband(StrategyContext ctx, double eta) {
        this.ctx = ctx;
        this.space = ctx.space();
        this.brackets = brackets(ctx.minEpochs(), ctx.maxEpochs(), eta);
        this.rng = new Random(ctx.seed());
        startBracket(0);
    }

    /**
     * The brackets, {@code s = s_max} first, each a list of rungs (configurations, epochs). Units of {@code minEpochs}:
     * {@code R = maxEpochs/minEpochs}.
     */
    public static List<List<Rung>> brackets(int minEpochs, int maxEpochs, double eta) {
        if (minEpochs < 1 || maxEpochs < minEpochs) {
            throw new IllegalArgumentException("multi-fidelity search needs 1 <= minEpochs <= maxEpochs, got minEpochs "
                    + minEpochs + ", maxEpochs " + maxEpochs + "; fix the fidelity epochs range");
        }
        if (!(eta > 1)) {
            throw new IllegalArgumentException("strategy.params.eta: must be greater than 1, got " + eta);
        }
        double r = (double) maxEpochs / minEpochs;
        int sMax = (int) Math.floor(StrictMath.log(r) / StrictMath.log(eta) + 1e-9);
        List<List<Rung>> out = new ArrayList<>();
        for (int s = sMax; s >= 0; s--) {
            int n = (int) Math.ceil((sMax + 1.0) / (s + 1) * StrictMath.pow(eta, s) - 1e-9);
            double r0 = r * StrictMath.pow(eta, -s);
            List<Rung> rungs = new ArrayList<>();
            for (int i = 0; i <= s; i++) {
                int ni = (int) Math.floor(n * StrictMath.pow(eta, -i) + 1e-9);
                if (ni < 1) {
                    break;
                }
                long scaled = Math.round(minEpochs * r0 * StrictMath.pow(eta, i));
                int epochs = i == s ? maxEpochs : (int) Math.max(minEpochs, Math.min(maxEpochs, scaled));
                rungs.add(new Rung(ni, epochs));
            }
            out.add(List.copyOf(rungs));
        }
        return List.copyOf(out);
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    /** Index of the current bracket in {@link #brackets} order (0 = s_max), and its current rung. */
    int[] position() {
        return new int[] {bracket, rung};
    }

    private void startBracket(int b) {
        bracket = b % brackets.size();
        rung = 0;
        toPropose.clear();
        rungMembers.clear();
        rungResults.clear();
        newToPropose = brackets.get(bracket).get(0).configs();
    }

    private int epochs() {
        return brackets.get(bracket).get(rung).epochs();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n && !exhausted) {
            Genome g;
            if (!toPropose.isEmpty()) {
                g = toPropose.pollFirst();
            } else if (newToPropose > 0) {
                g = Unseen.seededOrRandom(seeds, space, rng, proposed);
                if (g == null) {
                    newToPropose = 0;
                    if (rungMembers.isEmpty()) {
                        exhausted = true;
                    } else if (rungResults.size() == rungMembers.size()) {
                        advance();
                        continue;
                    }
                    break;
                }
                newToPropose--;
                proposed.add(g);
            } else {
                break;
            }
            rungMembers.add(g);
            pending.put(g, Boolean.TRUE);
            out.add(new Proposal(g, epochs()));
        }
        return out;
    }

    /**
     * The brackets' first new configurations are the best priors from another task (ranking only), evaluated here at
     * each bracket's fidelity before any random one. Architectures that priors measured on this task are not started
     * again (a bracket ranks only the configurations it evaluates itself, so their values are not booked).
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                proposed.add(p.genome());
            }
        }
        for (Prior p : Prior.ranked(ctx, priors, true)) {
            seeds.addLast(p.genome());
        }
    }

    @Override
    public void observe(Observation o) {
        Genome g = o.genome();
        if (pending.remove(g) == null) {
            return;
        }
        boolean reached = o.outcome() == Outcome.COMPLETED
                || (o.outcome() == Outcome.STOPPED_EARLY && o.epochs() >= epochs());
        rungResults.put(g, reached ? Fitness.primary(ctx, o) : Fitness.WORST);
        if (newToPropose == 0 && toPropose.isEmpty() && rungResults.size() == rungMembers.size()) {
            advance();
        }
    }

    /** The current rung is complete: promote its best into the next rung, or start the next bracket. */
    private void advance() {
        List<Rung> b = brackets.get(bracket);
        if (rung + 1 >= b.size()) {
            startBracket(bracket + 1);
            return;
        }
        int keep = b.get(rung + 1).configs();
        List<Genome> ranked = new ArrayList<>(rungMembers);
        ranked.removeIf(x -> rungResults.get(x) == Fitness.WORST);
        ranked.sort((x, y) -> Double.compare(rungResults.get(y), rungResults.get(x)));
        rung++;
        rungMembers.clear();
        rungResults.clear();
        newToPropose = 0;
        toPropose.clear();
        toPropose.addAll(ranked.subList(0, Math.min(keep, ranked.size())));
        if (toPropose.isEmpty()) {
            startBracket(bracket + 1);
        }
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }
}
