package dev.nasflow.surrogate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priors (warm start) in the online surrogate: training data from the first fit, one per architecture hash (a repeated
 * prior is a no-op), never counted as the search's own results.
 */
class SurrogateModelPriorsTest {
    private static double[] x(int i) {
        double[] v = new double[6];
        v[i % 6] = 1;
        v[(i / 6) % 6] += 1;
        return v;
    }

    @Test
    void priorsMakeTheModelReadyWithoutAResultAndRepeatsAreNoOps() {
        SurrogateModel m = new SurrogateModel(5, 50, 1);
        assertFalse(m.fitDueForPriors());
        assertTrue(m.addPrior("a", x(0), 70));
        assertFalse(m.fitDueForPriors(), "one row: not yet");
        for (int i = 1; i < 12; i++) {
            assertTrue(m.addPrior("h" + i, x(i), 70 + i));
        }
        assertFalse(m.addPrior("a", x(0), 99), "a repeated hash adds nothing (the first is kept)");
        assertFalse(m.addPrior("nan", x(3), Double.NaN));
        assertEquals(12, m.priors());
        assertTrue(m.fitDueForPriors());
        assertFalse(m.ready());
        m.fit();
        assertTrue(m.ready());
        assertFalse(m.fitDueForPriors(), "fitted on every prior");
        assertEquals(0, m.trainedOn(), "priors are not the search's results");
        assertEquals(12, m.priorsTrainedOn());
        assertEquals(0, m.results());
        assertTrue(Double.isFinite(m.predict("r0", x(30)).mean()));

        // the same priors again (an activity retry): nothing to add, nothing to fit
        for (int i = 1; i < 12; i++) {
            assertFalse(m.addPrior("h" + i, x(i), 70 + i));
        }
        assertFalse(m.fitDueForPriors());

        // results of the search: counted on their own, refits every retrainEvery as before
        int due = 0;
        for (int i = 0; i < 5; i++) {
            due += m.addData("r" + i, x(30 + i), 75) ? 1 : 0;
        }
        assertEquals(1, due, "one refit after retrainEvery results");
        m.fit();
        assertEquals(5, m.trainedOn());
        assertEquals(12, m.priorsTrainedOn());
        assertEquals(1, m.qualityPairs(), "only the predicted result is a quality pair");
    }

    @Test
    void aSinglePriorAndASingleResultMakeTheFirstFitDue() {
        SurrogateModel m = new SurrogateModel(10, 50, 1);
        assertTrue(m.addPrior("p", x(1), 70));
        assertFalse(m.fitDueForPriors());
        assertTrue(m.addData("r", x(2), 72), "two rows: the first fit is due");
    }

    /** Out-of-fold predictions rank rows they were not fitted on; a large list is fitted on bounded folds. */
    @Test
    void outOfFoldPredictionsRankUnseenRows() {
        java.util.Random rnd = new java.util.Random(4);
        for (int n : new int[] {40, 1_200}) {
            java.util.List<double[]> xs = new java.util.ArrayList<>();
            java.util.List<Double> ys = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] x = new double[6];
                double v = 70;
                for (int j = 0; j < x.length; j++) {
                    x[j] = rnd.nextInt(2);
                    v += (j + 1) * x[j];
                }
                xs.add(x);
                ys.add(v + 0.3 * rnd.nextGaussian());
            }
            double[] oof = SurrogateModel.outOfFold(xs, ys, 5, 9);
            assertEquals(n, oof.length);
            double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
            double tau = RankQuality.kendallTau(oof, y);
            assertTrue(tau > 0.6, n + " rows: tau " + tau);
            assertTrue(java.util.Arrays.equals(oof, SurrogateModel.outOfFold(xs, ys, 5, 9)), "deterministic");
        }
        double[] two = SurrogateModel.outOfFold(java.util.List.of(new double[] {1}, new double[] {0}),
                java.util.List.of(1.0, 0.0), 5, 1);
        assertTrue(Double.isNaN(two[0]) && Double.isNaN(two[1]), "one other row: nothing to fit");
    }
}
