package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A result of an earlier search (or of a results file) that a warm-started search starts from ({@code warmStart} in
 * the spec). It is not a result of this search: it never counts against the budget and never appears on the
 * leaderboard.
 *
 * @param transferred true when the prior was measured on another task (another data set, or another full-fidelity
 *                    schedule) than this search's: its values are not comparable with this search's, so strategies use
 *                    it for ranking only (which architectures are promising), never as a measured value. False:
 *                    measured on the same task, strategies may use the value as if they had measured it.
 */
public record Prior(Genome genome, int epochs, Map<String, Double> metrics, Outcome outcome, boolean transferred) {
    public Prior {
        metrics = Map.copyOf(metrics);
    }

    /** The prior as an observation (for strategies that book it like one of their own results). */
    public Observation observation() {
        return new Observation(genome, epochs, metrics, outcome);
    }

    /**
     * The priors with usable values of the primary objective, best first (ties keep the given order), at most one per
     * genome (its best), optionally only the same-task ({@code transferred == false}) or the transferred ones.
     */
    static List<Prior> ranked(StrategyContext ctx, List<Prior> priors, Boolean transferred) {
        List<Prior> out = new ArrayList<>();
        java.util.Map<Genome, Integer> at = new java.util.HashMap<>();
        for (Prior p : priors) {
            if (transferred != null && p.transferred() != transferred) {
                continue;
            }
            double f = fitness(ctx, p);
            if (f == Fitness.WORST) {
                continue;
            }
            Integer i = at.get(p.genome());
            if (i == null) {
                at.put(p.genome(), out.size());
                out.add(p);
            } else if (f > fitness(ctx, out.get(i))) {
                out.set(i, p);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            order.add(i);
        }
        List<Prior> snapshot = List.copyOf(out);
        order.sort(Comparator.comparingDouble((Integer i) -> -fitness(ctx, snapshot.get(i))).thenComparingInt(i -> i));
        List<Prior> sorted = new ArrayList<>(order.size());
        for (int i : order) {
            sorted.add(snapshot.get(i));
        }
        return sorted;
    }

    /**
     * The transferred priors a warm-started search evaluates first, on its own task: at most {@code k}, best first by
     * their (transferred) primary objective, one per architecture, none that a same-task prior already measured.
     * Once evaluated they are results of this search like any other (budget, leaderboard), and the algorithm
     * continues from those measurements instead of from random architectures.
     */
    static List<Genome> toEvaluate(StrategyContext ctx, List<Prior> priors, int k) {
        java.util.Set<Genome> measured = sameTaskGenomes(priors);
        List<Genome> out = new ArrayList<>();
        for (Prior p : ranked(ctx, priors, true)) {
            if (out.size() >= k) {
                break;
            }
            if (!measured.contains(p.genome())) {
                out.add(p.genome());
            }
        }
        return out;
    }

    /** The architectures measured by same-task priors (any outcome): never evaluated again. */
    static java.util.Set<Genome> sameTaskGenomes(List<Prior> priors) {
        java.util.Set<Genome> out = new java.util.HashSet<>();
        for (Prior p : priors) {
            if (!p.transferred()) {
                out.add(p.genome());
            }
        }
        return out;
    }

    /** The oriented primary-objective value (larger is better), or {@link Fitness#WORST}. */
    static double fitness(StrategyContext ctx, Prior p) {
        return Fitness.primary(ctx, p.observation());
    }
}
