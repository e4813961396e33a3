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
}
