package dev.nasflow.strategy;

import dev.nasflow.model.Objective;

import java.util.List;

/**
 * How strategies read objective values from observations: oriented so that larger is better, with observations that
 * carry no usable value (FAILED, DIVERGED, INFEASIBLE, a missing or non-finite metric) mapped to
 * {@link Double#NEGATIVE_INFINITY}, i.e. worse than anything measured.
 */
final class Fitness {
    static final double WORST = Double.NEGATIVE_INFINITY;

    private Fitness() {
    }

    /** The oriented value of one objective in an observation, or {@link #WORST}. */
    static double of(Objective objective, Observation o) {
        if (o == null || !o.outcome().hasMetrics()) {
            return WORST;
        }
        double v = o.metric(objective.metric());
        if (!Double.isFinite(v)) {
            return WORST;
        }
        return objective.direction().oriented(v);
    }

    /** The oriented primary-objective value of an observation. */
    static double primary(StrategyContext ctx, Observation o) {
        return of(ctx.primary(), o);
    }

    /** The oriented values of every objective, in objective order. */
    static double[] vector(List<Objective> objectives, Observation o) {
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = of(objectives.get(i), o);
        }
        return v;
    }
}
