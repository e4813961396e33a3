package dev.nasflow.surrogate;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpEnsembleTest {
    /** y = 3·x0 − 2·x1 + 4·x0·x2 + 10 on binary inputs (a nonlinear interaction the net must learn). */
    private static double target(double[] x) {
        return 3 * x[0] - 2 * x[1] + 4 * x[0] * x[2] + 10;
    }

    private static double[][] inputs(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][6];
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextBoolean() ? 1 : 0;
            }
        }
        return x;
    }

    private static double[] targets(double[][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = target(x[i]);
        }
        return y;
    }

    @Test
    void learnsASmallNonlinearFunction() {
        double[][] x = inputs(200, 1);
        MlpEnsemble m = new MlpEnsemble(3, new int[] {16, 16}, 200, 16, 0.01, 1e-5, 7);
        assertFalse(m.fitted());
        m.fit(x, targets(x));
        assertTrue(m.fitted());
        double err = 0;
        double[][] test = inputs(64, 2);
        for (double[] row : test) {
            err += Math.abs(m.predict(row).mean() - target(row));
        }
        assertTrue(err / test.length < 0.3, "mean abs error " + err / test.length);
    }

    @Test
    void deterministicPerSeedAndMembersDisagreeAwayFromData() {
        double[][] x = inputs(30, 3);
        double[] y = targets(x);
        MlpEnsemble a = MlpEnsemble.withDefaults(5, 11);
        MlpEnsemble b = MlpEnsemble.withDefaults(5, 11);
        MlpEnsemble c = MlpEnsemble.withDefaults(5, 12);
        a.fit(x, y);
        b.fit(x, y);
        c.fit(x, y);
        double[] probe = {1, 1, 1, 1, 1, 1};
        assertArrayEquals(a.memberPredictions(probe), b.memberPredictions(probe));
        assertNotEquals(a.predict(probe).mean(), c.predict(probe).mean());
        MlpEnsemble.Prediction p = a.predict(new double[] {5, -3, 2, 0, 7, 1});
        assertTrue(p.std() > 0, "an ensemble of different initialisations disagrees off the data");
        assertEquals(5, a.memberPredictions(probe).length);
    }

    @Test
    void warmUpdatesKeepLearning() {
        double[][] x = inputs(200, 4);
        double[] y = targets(x);
        MlpEnsemble m = new MlpEnsemble(2, new int[] {16}, 5, 16, 0.01, 0, 5);
        m.update(java.util.Arrays.copyOf(x, 20), java.util.Arrays.copyOf(y, 20), 3);
        double before = error(m, x, y);
        for (int i = 0; i < 20; i++) {
            m.update(x, y, 5);
        }
        assertTrue(error(m, x, y) < before / 2, before + " → " + error(m, x, y));
    }

    private static double error(MlpEnsemble m, double[][] x, double[] y) {
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            e += Math.abs(m.predict(x[i]).mean() - y[i]);
        }
        return e / x.length;
    }

    @Test
    void constantTargetsAndBadInput() {
        MlpEnsemble m = MlpEnsemble.withDefaults(2, 1);
        assertThrows(IllegalStateException.class, () -> m.predict(new double[] {1}));
        m.fit(new double[][] {{1, 0}, {0, 1}}, new double[] {4, 4});
        assertEquals(4, m.predict(new double[] {1, 0}).mean(), 0.5);
        assertThrows(IllegalArgumentException.class, () -> m.predict(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> m.fit(new double[0][], new double[0]));
        assertThrows(IllegalArgumentException.class, () -> m.fit(new double[][] {{1}}, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> m.fit(new double[][] {{1}, {1, 2}}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new MlpEnsemble(0, new int[] {4}, 1, 1, 0.1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MlpEnsemble(1, new int[] {0}, 1, 1, 0.1, 0, 1));
    }
}
