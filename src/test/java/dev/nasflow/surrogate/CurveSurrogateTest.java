package dev.nasflow.surrogate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurveSurrogateTest {
    private static void run(CurveSurrogate s, String id, double prior, double... curve) {
        partial(s, id, prior, curve.length, curve);
    }

    private static void partial(CurveSurrogate s, String id, double prior, int target, double... curve) {
        s.start(id, prior);
        for (int e = 1; e <= curve.length; e++) {
            s.observe(id, e, target, curve[e - 1]);
        }
    }

    /**
     * Epochs (nasflow.epoch-metrics) and finishes (nasflow.search-events) come from two topics and may cross: a finish
     * read before the candidate's epochs takes effect when its curve reaches the target, and an epoch read after the
     * finish fills the finished curve's gap instead of starting a running curve that would never finish.
     */
    @Test
    void aFinishThatOvertookTheEpochsTakesEffectWhenTheCurveIsComplete() {
        CurveSurrogate s = new CurveSurrogate();
        s.start("a", Double.NaN);
        s.finish("a", 80.0);                       // read before any of its epochs
        assertEquals(0, s.finishedCount());
        assertNull(s.finishedCurve("a"));
        for (int e = 1; e <= 4; e++) {
            s.observe("a", e, 4, 60 + 5 * e);
        }
        assertEquals(1, s.finishedCount(), "finished once its fourth epoch arrived");
        assertEquals(80.0, s.finishedCurve("a")[3]);
        assertEquals(65.0, s.finishedCurve("a")[0]);

        s.observe("b", 1, 4, 50);
        s.observe("b", 2, 4, 55);
        s.finish("b", 70.0);                       // read before its third and fourth epochs
        assertEquals(2, s.finishedCount());
        assertTrue(Double.isNaN(s.finishedCurve("b")[2]));
        s.observe("b", 3, 4, 62);
        s.observe("b", 4, 4, 70);
        assertEquals(62.0, s.finishedCurve("b")[2], "the late epoch fills the gap");
        assertEquals(70.0, s.finishedCurve("b")[3]);
        assertTrue(!s.knows("b"), "a late epoch starts no running curve");
        assertEquals(2, s.finishedCount());
    }

    @Test
    void predictsNothingBeforeAFinishedCandidateThenItsImprovement() {
        CurveSurrogate s = new CurveSurrogate();
        s.start("a", Double.NaN);
        s.observe("a", 1, 4, 50);
        assertNull(s.predict("a", 1), "nothing finished yet");
        run(s, "ref", Double.NaN, 60, 70, 75, 80);
        s.finish("ref", 80.0);
        CurveSurrogate.Estimate e = s.predict("a", 1);
        assertNotNull(e);
        assertEquals(70, e.mean(), 0.01, "50 + the reference's improvement from epoch 1 to 4 (20)");
        assertTrue(e.std() > 0);
        assertEquals(1, e.trainedOn());
        assertNull(s.predict("a", 4), "nothing to predict at the target");
    }

    /**
     * The noise is estimated from the finished candidates, so a prediction is Student t whose degrees of freedom grow
     * with them (n - trace(H) + 1): wide tails after a few, nearly normal after many.
     */
    @Test
    void predictionsCarryDegreesOfFreedomThatGrowWithTheFinishedCandidates() {
        CurveSurrogate s = new CurveSurrogate();
        java.util.Random rng = new java.util.Random(7);
        double previous = 0;
        for (int i = 0; i < 40; i++) {
            double base = 40 + rng.nextInt(20);
            run(s, "c" + i, Double.NaN, base, base + 5 + rng.nextGaussian(), base + 8 + rng.nextGaussian(),
                    base + 10 + rng.nextGaussian());
            s.finish("c" + i, null);
            partial(s, "q" + i, Double.NaN, 4, 50, 55);
            CurveSurrogate.Estimate e = s.predict("q" + i, 2);
            assertNotNull(e);
            assertTrue(e.dof() >= 1 && e.dof() <= i + 2, i + 1 + " finished: dof " + e.dof());
            assertTrue(e.dof() >= previous - 1e-9 || i < 3, "dof grows: " + previous + " -> " + e.dof());
            previous = e.dof();
        }
        assertTrue(previous > 30, "40 finished: nearly normal, dof " + previous);
    }

    @Test
    void learnsWhichCurvesEndHigherAndScoresItsEarlierPredictions() {
        CurveSurrogate s = new CurveSurrogate();
        // fast starters plateau (+5), slow starters keep climbing (+25): the last step tells them apart
        for (int i = 0; i < 12; i++) {
            double base = 40 + i;
            boolean fast = i % 2 == 0;
            double[] c = fast ? new double[] {base + 20, base + 22, base + 24, base + 25}
                    : new double[] {base, base + 8, base + 16, base + 25};
            run(s, "c" + i, Double.NaN, c);
            s.finish("c" + i, null);
        }
        partial(s, "fast", Double.NaN, 4, 70, 72);
        partial(s, "slow", Double.NaN, 4, 60, 68);
        double fast = s.predict("fast", 2).mean();
        double slow = s.predict("slow", 2).mean();
        assertEquals(75, fast, 2);
        assertEquals(85, slow, 2.5, "the prior on the weights shrinks a little with 12 rows");
        assertTrue(slow > fast + 5, "lower now, predicted higher at the end: " + slow + " vs " + fast);
        s.finish("fast", 75.0);
        s.finish("slow", 85.0);
        assertEquals(2, s.qualityPairs());
        assertEquals(1.0, s.kendallTau(), 1e-9);
        assertEquals(14, s.finishedCount());
    }

    @Test
    void withAnExecutorRefitsOffThePredictionPathAndPredictsFromThePreviousModelsMeanwhile() {
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        CurveSurrogate s = new CurveSurrogate(queued::add);
        run(s, "ref1", Double.NaN, 60, 70, 75, 80);
        s.finish("ref1", 80.0);
        assertEquals(1, queued.size(), "a refit was handed to the executor");
        s.start("a", Double.NaN);
        s.observe("a", 1, 4, 50);
        assertNull(s.predict("a", 1), "the refit has not run: the previous models knew nothing");
        queued.remove(0).run();
        assertEquals(70, s.predict("a", 1).mean(), 0.01, "50 + the reference's improvement (20)");
        run(s, "ref2", Double.NaN, 60, 62, 64, 70);
        s.finish("ref2", 70.0);
        assertEquals(70, s.predict("a", 1).mean(), 0.01, "still the previous models");
        queued.remove(0).run();
        assertEquals(65, s.predict("a", 1).mean(), 0.5, "both references: 50 + about (20 + 10) / 2");
    }

    @Test
    void withNothingToLearnRanksAsTheLastObservedValue() {
        CurveSurrogate s = new CurveSurrogate();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 30; i++) {
            double v1 = 60 + 10 * rnd.nextDouble();
            double[] c = {v1, v1 + rnd.nextGaussian(), v1 + rnd.nextGaussian(), v1 + 5 + rnd.nextGaussian()};
            run(s, "r" + i, Double.NaN, c);
            s.finish("r" + i, null);
        }
        double prev = Double.NEGATIVE_INFINITY;
        for (int v = 55; v <= 75; v += 5) {
            partial(s, "q" + v, Double.NaN, 4, v);
            double m = s.predict("q" + v, 1).mean();
            assertTrue(m > prev, "monotone in the value at epoch 1: " + m + " after " + prev);
            prev = m;
        }
    }

    @Test
    void repredictsRunningStoppedAndFinishedCurvesWithTheCurrentModel() {
        CurveSurrogate s = new CurveSurrogate();
        partial(s, "stopped", Double.NaN, 4, 50, 52);
        s.drop("stopped");
        assertNull(s.repredict("stopped", 1), "no model yet");
        run(s, "ref", Double.NaN, 60, 70, 75, 80);
        s.finish("ref", 80.0);
        assertEquals(70, s.repredict("stopped", 1).mean(), 0.01, "the dropped curve, truncated at 1: 50 + 20");
        assertEquals(80, s.repredict("ref", 1).mean(), 0.01, "a finished curve truncated at 1: 60 + 20");
        assertNull(s.repredict("stopped", 3), "it never reached epoch 3");
        assertNull(s.repredict("unknown", 1));
        assertEquals(0, s.qualityPairs(), "re-predictions are not scored");
    }

    @Test
    void rankGateComparesThePredictionsTauWithTheObservedValuesTau() {
        CurveSurrogate s = new CurveSurrogate();
        assertEquals(0, s.rankGate(1).n());
        assertTrue(!s.rankGate(1).predictionsBetter(1));
        run(s, "ref", Double.NaN, 60, 70, 75, 80);
        s.finish("ref", 80.0);
        // later candidates: the value at epoch 1 ranks them in reverse, the step to epoch 2 does not matter here
        double[][] curves = {{50, 60, 70, 90}, {55, 60, 70, 85}, {58, 60, 70, 82}};
        for (int i = 0; i < curves.length; i++) {
            partial(s, "c" + i, Double.NaN, 4, curves[i][0]);
            assertNotNull(s.predict("c" + i, 1));
            for (int e = 2; e <= 4; e++) {
                s.observe("c" + i, e, 4, curves[i][e - 1]);
            }
        }
        for (int i = 0; i < curves.length; i++) {
            s.finish("c" + i, null);
        }
        CurveSurrogate.RankGate g = s.rankGate(1);
        assertEquals(3, g.n());
        assertEquals(-1, g.tauObserved(), 1e-9, "50 < 55 < 58 at epoch 1, 90 > 85 > 82 at the end");
        assertEquals(-1, g.tauPredicted(), 1e-9, "one reference: value + 20 ranks as the value does");
        assertTrue(!g.predictionsBetter(1), "not strictly better");
        assertEquals(0, s.rankGate(2).n(), "nothing was predicted from epoch 2");
    }

    /** Prior curves of an earlier search on the same task: rows from the start, installed at once, ids once. */
    @Test
    void priorCurvesPredictTheFirstCandidateFromItsFirstEpoch() {
        java.util.concurrent.ExecutorService refits = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (CurveSurrogate s : new CurveSurrogate[] {new CurveSurrogate(), new CurveSurrogate(refits)}) {
                java.util.Random rnd = new java.util.Random(5);
                java.util.List<CurveSurrogate.PriorCurve> priors = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    double fin = 80 + 10 * rnd.nextDouble();
                    priors.add(new CurveSurrogate.PriorCurve("prior-" + i, fin + rnd.nextGaussian(),
                            new double[] {fin - 12 + rnd.nextGaussian(), fin - 6 + rnd.nextGaussian(), fin - 2, fin}));
                }
                priors.add(new CurveSurrogate.PriorCurve("short", 85, new double[] {85}));
                priors.add(new CurveSurrogate.PriorCurve("nan", 85, new double[] {70, Double.NaN}));
                assertEquals(20, s.learnPriors(priors), "one epoch or no final: nothing to learn");
                assertEquals(0, s.learnPriors(priors.subList(0, 3)), "ids already known");
                assertEquals(20, s.finishedCount());
                assertEquals(0, s.qualityPairs(), "quality stays this search's own");
                assertEquals(0, s.rankGate(1).n());
                s.start("c0", 88);
                s.observe("c0", 1, 4, 75);
                CurveSurrogate.Estimate e = s.predict("c0", 1);
                assertNotNull(e, "predicted after epoch 1 with no candidate of its own finished, no refit awaited");
                assertTrue(e.mean() > 75 && e.trainedOn() == 20, e.toString());
                assertEquals(4, s.finishedCurve("prior-3").length);
                assertNull(s.finishedCurve("c0"));
                s.observe("c0", 4, 4, 85);
                s.finish("c0", 85.0);
                assertEquals(85, s.finishedCurve("c0")[3], 1e-12);
            }
        } finally {
            refits.shutdown();
        }
    }
}
