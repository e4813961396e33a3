package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoppingSimulatorTest {
    private static final int T = 27;

    /** Saturating curves q * (1 - 0.6 t^-c) with random quality q, speed c and noise; they cross a little. */
    static List<StoppingSimulator.Candidate> synthetic(int n, int t, long seed) {
        Random r = new Random(seed);
        List<StoppingSimulator.Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double q = 50 + 40 * r.nextDouble();
            double c = 0.5 + 0.7 * r.nextDouble();
            double[] v = new double[t];
            for (int e = 1; e <= t; e++) {
                v[e - 1] = q * (1 - 0.6 * Math.pow(e, -c)) + 0.5 * r.nextGaussian();
            }
            out.add(new StoppingSimulator.Candidate("c" + i, v));
        }
        return out;
    }

    private static StoppingSimulator.Result run(List<StoppingSimulator.Candidate> cands, String rule, int conc,
                                                long budget) {
        return new StoppingSimulator(conc, budget).run(cands, StoppingRules.create(rule, Map.of()));
    }

    @Test
    void withoutStoppingEveryCandidateRunsToTheEnd() {
        List<StoppingSimulator.Candidate> cands = synthetic(81, T, 1);
        StoppingSimulator.Result r = run(cands, "none", 8, 0);
        assertEquals(81L * T, r.epochsSpent());
        assertEquals(r.epochsFull(), r.epochsSpent());
        assertEquals(81, r.finished());
        assertEquals(0, r.stopped());
        assertEquals(1.0, r.savingsFactor());
        assertEquals(0.0, r.regret());
        assertEquals(r.trueBestId(), r.pickId());
        assertEquals(11L * T, r.ticks(), "ceil(81 / 8) waves of 27 epochs");
    }

    @Test
    void ashaAndMedianSaveEpochsAndKeepTheBestOnSyntheticCurves() {
        for (long seed = 1; seed <= 3; seed++) {
            List<StoppingSimulator.Candidate> cands = synthetic(81, T, seed);
            StoppingSimulator.Result asha = run(cands, "asha", 8, 0);
            StoppingSimulator.Result median = run(cands, "median", 8, 0);
            StoppingSimulator.Result curve = run(cands, "curve", 8, 0);
            for (StoppingSimulator.Result r : List.of(asha, median, curve)) {
                assertEquals(81, r.stopped() + r.finished(), r.rule());
                assertEquals(r.stopped(), r.verdicts().size(), r.rule());
                assertTrue(r.regret() <= 0.5, r.rule() + " regret " + r.regret());
            }
            assertTrue(asha.savingsFactor() >= 3, "asha savings " + asha.savingsFactor());
            assertTrue(median.savingsFactor() >= 1.3, "median savings " + median.savingsFactor());
            assertTrue(curve.savingsFactor() >= 2, "curve savings " + curve.savingsFactor());
        }
    }

    @Test
    void aLateBloomerIsLostAndThePickQualityShowsIt() {
        List<StoppingSimulator.Candidate> cands = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double[] v = new double[9];
            for (int e = 1; e <= 9; e++) {
                v[e - 1] = 80 + i * 0.1 - 20.0 / e;
            }
            cands.add(new StoppingSimulator.Candidate("fast" + i, v));
        }
        cands.add(new StoppingSimulator.Candidate("bloomer", new double[] {10, 12, 15, 20, 30, 50, 70, 90, 95}));
        StoppingSimulator.Result none = run(cands, "none", 3, 0);
        StoppingSimulator.Result asha = run(cands, "asha", 3, 0);
        assertEquals("bloomer", none.pickId());
        assertEquals(0.0, none.regret());
        assertEquals("bloomer", asha.verdicts().get(asha.verdicts().size() - 1).candidateId());
        assertEquals(1, asha.verdicts().get(asha.verdicts().size() - 1).epoch(), "judged at rung 0");
        assertEquals("fast7", asha.pickId());
        assertEquals(95 - (80.7 - 20.0 / 9), asha.regret(), 1e-9);
    }

    @Test
    void atEqualBudgetStoppingEvaluatesMoreCandidates() {
        List<StoppingSimulator.Candidate> cands = synthetic(200, T, 4);
        long budget = 30L * T;
        StoppingSimulator.Result none = run(cands, "none", 8, budget);
        StoppingSimulator.Result asha = run(cands, "asha", 8, budget);
        assertEquals(budget, none.epochsSpent());
        assertTrue(asha.epochsSpent() <= budget);
        assertEquals(none.launched(), none.finished() + none.truncated());
        assertEquals(asha.launched(), asha.finished() + asha.stopped() + asha.truncated());
        assertTrue(asha.launched() > 2 * none.launched(), asha.launched() + " vs " + none.launched());
        assertTrue(asha.pickValue() >= none.pickValue(), asha.pickValue() + " vs " + none.pickValue());
    }

    @Test
    void aBudgetCutsRunningCandidates() {
        List<StoppingSimulator.Candidate> cands = synthetic(10, 5, 2);
        StoppingSimulator.Result r = run(cands, "none", 4, 22);
        // ticks 1-5: four candidates finish (20 epochs); tick 6: two more epochs, then the budget is spent
        assertEquals(22, r.epochsSpent());
        assertEquals(4, r.finished());
        assertEquals(4, r.truncated());
        assertEquals(8, r.launched());
        assertEquals(6, r.ticks());
    }

    @Test
    void sameInputsSameResult() {
        List<StoppingSimulator.Candidate> cands = synthetic(60, T, 9);
        for (String rule : List.of("median", "asha", "curve")) {
            assertEquals(run(cands, rule, 5, 0), run(cands, rule, 5, 0), rule);
        }
    }

    @Test
    void theSurrogateRuleRunsWithArchitectureHashes() {
        List<StoppingSimulator.Candidate> cands = new ArrayList<>();
        for (StoppingSimulator.Candidate c : synthetic(20, 10, 3)) {
            cands.add(new StoppingSimulator.Candidate(c.id(), "arch-" + c.id(), c.curve()));
        }
        Map<String, Double> finals = new java.util.HashMap<>();
        cands.forEach(c -> finals.put(c.archHash(), c.finalValue()));
        PredictionSource oracle = h -> java.util.Optional.of(new Prediction(finals.get(h), 0));
        StoppingSimulator.Result r = new StoppingSimulator(1, 0)
                .run(cands, StoppingRules.create("surrogate", Map.of(), oracle));
        assertTrue(r.stopped() > 0);
        assertEquals(0.0, r.regret(), "a perfect surrogate never stops the best");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new StoppingSimulator(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new StoppingSimulator(1, -1));
        List<StoppingSimulator.Candidate> uneven = List.of(new StoppingSimulator.Candidate("a", new double[] {1, 2}),
                new StoppingSimulator.Candidate("b", new double[] {1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StoppingSimulator(1, 0).run(uneven, NoStopping.INSTANCE));
        assertTrue(e.getMessage().startsWith("curve: candidate b has 1 epochs"), e.getMessage());
        List<StoppingSimulator.Candidate> dup = List.of(new StoppingSimulator.Candidate("a", new double[] {1}),
                new StoppingSimulator.Candidate("a", new double[] {2}));
        e = assertThrows(IllegalArgumentException.class, () -> new StoppingSimulator(1, 0).run(dup, NoStopping.INSTANCE));
        assertTrue(e.getMessage().startsWith("id: duplicate"), e.getMessage());
        StoppingSimulator.Source waitsForever = () -> StoppingSimulator.WAIT;
        IllegalStateException w = assertThrows(IllegalStateException.class,
                () -> new StoppingSimulator(2, 0).run(waitsForever, 5, 3, NoStopping.INSTANCE, StoppingSimulator.Listener.NONE));
        assertTrue(w.getMessage().contains("none is running"), w.getMessage());
    }
}
