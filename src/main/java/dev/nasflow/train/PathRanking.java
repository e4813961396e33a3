package dev.nasflow.train;

import dev.nasflow.activity.StepListener;
import dev.nasflow.model.RankedCandidate;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** SPOS derivation: random single paths ranked by validation accuracy with the supernet's inherited weights. */
final class PathRanking {
    private final DartsSpace space;
    private final SupernetEvaluator evaluator;
    private final long seed;

    PathRanking(DartsSpace space, SupernetEvaluator evaluator, long seed) {
        this.space = space;
        this.evaluator = evaluator;
        this.seed = seed;
    }

    /**
     * Ranks {@code candidates} distinct random architectures (drawn with {@code new Random(seed * 7919 + 17)}, at
     * most {@code 20 × candidates} draws) by validation accuracy after BatchNorm recalibration on
     * {@code calibrationBatches} train batches ({@link SupernetEvaluator#evaluatePath}). Best first, ties by lower
     * validation loss.
     */
    List<RankedCandidate> rank(int candidates, int calibrationBatches, StepListener steps) {
        Random rng = new Random(seed * 7_919L + 17);
        Set<Genome> seen = new HashSet<>();
        List<Genome> pool = new ArrayList<>();
        int tries = 0;
        while (pool.size() < candidates && tries++ < candidates * 20) {
            Genome g = space.random(rng);
            if (seen.add(g)) {
                pool.add(g);
            }
        }
        List<RankedCandidate> out = new ArrayList<>();
        for (Genome g : pool) {
            double[] v = evaluator.evaluatePath(g, calibrationBatches, steps);
            out.add(new RankedCandidate(g, space.canonical(g), v[1], v[0]));
        }
        out.sort(Comparator.comparingDouble(RankedCandidate::validAccuracy).reversed()
                .thenComparingDouble(RankedCandidate::validLoss));
        return out;
    }
}
