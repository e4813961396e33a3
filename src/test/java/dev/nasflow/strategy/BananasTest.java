package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BananasTest {
    /** A smooth objective over the path encoding: fixed random weights per path, plus a small interaction. */
    private static final double[] WEIGHTS = new Random(2021).doubles(
            Synthetic.NB201.pathEncoding(Synthetic.NB201.random(new Random(0))).length, -1, 1).toArray();

    private static double smooth(Genome g) {
        double[] x = Synthetic.NB201.pathEncoding(g);
        double s = 50;
        for (int i = 0; i < x.length; i++) {
            s += 3 * WEIGHTS[i] * x[i];
        }
        return s;
    }

    private static double bestFound(String type, long seed, int evaluations, Map<String, Object> params) {
        Strategy s = Strategies.create(type, Synthetic.ctx(Synthetic.NB201, seed, params, 1, 12));
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < evaluations; i++) {
            Proposal p = s.propose(1).get(0);
            double v = smooth(p.genome());
            best = Math.max(best, v);
            s.observe(new Observation(p.genome(), 12, Map.of("validAccuracy", v), Outcome.COMPLETED));
        }
        return best;
    }

    @Test
    void beatsRandomSearchOnASmoothObjective() {
        double bananas = 0;
        double random = 0;
        int seeds = 4;
        for (long seed = 1; seed <= seeds; seed++) {
            bananas += bestFound("bananas", seed, 50, Map.of("initial", 10));
            random += bestFound("random", seed, 50, Map.of());
        }
        bananas /= seeds;
        random /= seeds;
        double optimum = 0;
        for (var it = Synthetic.NB201.enumerate(); it.hasNext(); ) {
            optimum = Math.max(optimum, smooth(it.next()));
        }
        assertTrue(bananas > random + 0.5 * (optimum - random),
                "bananas " + bananas + " random " + random + " optimum " + optimum);
    }

    @Test
    void proposesRandomUntilInitialResultsThenModelGuidedWithoutRepeats() {
        Bananas s = (Bananas) Strategies.create("bananas",
                Synthetic.ctx(Synthetic.NB201, 5, Map.of("initial", 5, "candidates", 30), 1, 12));
        List<Proposal> first = s.propose(8);
        assertEquals(8, first.size(), "keeps workers busy with random architectures before the predictor exists");
        assertEquals(0, s.fits());
        Set<Genome> seen = new HashSet<>();
        first.forEach(p -> seen.add(p.genome()));
        first.forEach(p -> s.observe(Synthetic.observe(p, 12)));
        for (int round = 0; round < 10; round++) {
            List<Proposal> p = s.propose(2);
            assertEquals(2, p.size());
            for (Proposal q : p) {
                assertTrue(seen.add(q.genome()), "repeat " + q.genome());
                s.observe(Synthetic.observe(q, 12));
            }
        }
        assertTrue(s.fits() >= 10);
    }

    @Test
    void everyAcquisitionWorksAndUnknownOnesAreRejected() {
        for (String a : List.of("its", "ucb", "mean")) {
            assertTrue(bestFound("bananas", 3, 25, Map.of("initial", 5, "acquisition", a)) > 0);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Strategies.create("bananas",
                Synthetic.ctx(Synthetic.NB201, 1, Map.of("acquisition", "ei"), 1, 12)));
        assertTrue(e.getMessage().startsWith("strategy.params.acquisition"), e.getMessage());
    }
}
