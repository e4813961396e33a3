package dev.nasflow.workflow;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Pareto;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranking of candidate results (pure, deterministic). Tiers: completed at full fidelity, then completed at a lower
 * fidelity (multi-fidelity rungs), then stopped early; within a tier by the primary objective, then by id.
 */
public final class Leaderboard {
    private Leaderboard() {
    }

    static int tier(CandidateResult r, SearchSpec spec) {
        if (r.outcome() == Outcome.COMPLETED) {
            return r.epochsTrained() >= spec.fidelity().epochs() ? 0 : 1;
        }
        return 2;
    }

    public static List<CandidateResult> rank(List<CandidateResult> results, SearchSpec spec) {
        Objective primary = spec.objectives().get(0);
        List<CandidateResult> ranked = new ArrayList<>();
        for (CandidateResult r : results) {
            if (r.outcome().hasMetrics() && !Double.isNaN(r.metric(primary.metric()))) {
                ranked.add(r);
            }
        }
        ranked.sort(Comparator.<CandidateResult>comparingInt(r -> tier(r, spec))
                .thenComparing(r -> -primary.direction().oriented(r.metric(primary.metric())))
                .thenComparing(CandidateResult::candidateId));
        return ranked;
    }

    public static CandidateResult best(List<CandidateResult> results, SearchSpec spec) {
        List<CandidateResult> ranked = rank(results, spec);
        return ranked.isEmpty() ? null : ranked.get(0);
    }

    /** Non-dominated results over all objectives, among the best tier that has any result. */
    public static List<CandidateResult> paretoFront(List<CandidateResult> results, SearchSpec spec) {
        List<CandidateResult> ranked = rank(results, spec);
        if (ranked.isEmpty()) {
            return List.of();
        }
        int bestTier = tier(ranked.get(0), spec);
        List<Objective> objectives = spec.objectives();
        List<CandidateResult> pool = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (CandidateResult r : ranked) {
            if (tier(r, spec) != bestTier) {
                continue;
            }
            double[] p = new double[objectives.size()];
            boolean ok = true;
            for (int i = 0; i < p.length; i++) {
                p[i] = r.metric(objectives.get(i).metric());
                ok &= !Double.isNaN(p[i]);
            }
            if (ok) {
                pool.add(r);
                points.add(p);
            }
        }
        List<CandidateResult> front = new ArrayList<>();
        List<Direction> directions = objectives.stream().map(Objective::direction).toList();
        for (int idx : Pareto.nonDominated(points, directions)) {
            front.add(pool.get(idx));
        }
        front.sort(Comparator.comparing((CandidateResult r) -> -objectives.get(0).direction()
                .oriented(r.metric(objectives.get(0).metric()))).thenComparing(CandidateResult::candidateId));
        return front;
    }
}
