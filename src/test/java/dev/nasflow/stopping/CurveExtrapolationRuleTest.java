package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import static dev.nasflow.stopping.Feed.stopEpoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurveExtrapolationRuleTest {
    private static double[] curve(double a, double b, double c, int n) {
        double[] out = new double[n];
        for (int t = 1; t <= n; t++) {
            out[t - 1] = a - b * Math.pow(t, -c);
        }
        return out;
    }

    @Test
    void fitRecoversAnExactSaturatingCurve() {
        double[] xs = {1, 2, 3, 4, 5, 6};
        double[] ys = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            ys[i] = 95 - 50 * Math.pow(xs[i], -0.7);
        }
        CurveExtrapolationRule.Fit f = CurveExtrapolationRule.fit(xs, ys);
        assertEquals(0.7, f.c(), 1e-12);
        assertEquals(95, f.a(), 1e-9);
        assertEquals(50, f.b(), 1e-9);
        assertEquals(95 - 50 * Math.pow(200, -0.7), f.predict(200), 1e-9);
    }

    @Test
    void stopsAClearlyBadCurveAtTheGracePeriodAndKeepsAGoodOne() {
        int target = 30;
        EarlyStopper st = new EarlyStopper(new CurveExtrapolationRule(4, 1, 0.95));
        Feed.finished(st, "ref", curve(95, 50, 0.7, target));          // final 90.36
        double[] bad = curve(60, 30, 0.7, target);                       // heads to 57.2
        double[] good = curve(94, 50, 0.7, target);                      // heads to 89.4 > 0.95 x 90.36 = 85.8
        assertEquals(4, stopEpoch(st, "bad", target, bad));
        assertEquals(-1, stopEpoch(st, "good", target, good));
        StopVerdict v = st.decision(Feed.S, "bad").orElseThrow();
        assertTrue(v.reason().startsWith("predicted 57.2"), v.reason());
        assertTrue(v.reason().contains("< 0.95 x best final 90.3763 = 85.8575 (1 finished) at epoch 4"), v.reason());
    }

    @Test
    void aSlowStarterThatWillCatchUpIsNotStopped() {
        int target = 50;
        EarlyStopper st = new EarlyStopper(new CurveExtrapolationRule(4, 1, 0.95));
        Feed.finished(st, "ref", curve(90, 20, 1.0, target));           // fast: 70 at epoch 1, final 89.6
        // slow: 33 at epoch 1, far below the reference early on, but extrapolates to 86.2 >= 0.95 x 89.6
        assertEquals(-1, stopEpoch(st, "slow", target, curve(95, 62, 0.5, target)));
        // the same shape ending at 83.2 is stopped as soon as it is judged
        assertEquals(4, stopEpoch(st, "slower", target, curve(92, 62, 0.5, target)));
    }

    @Test
    void needsAFinishedReferenceAtTheTargetEpoch() {
        int target = 20;
        EarlyStopper st = new EarlyStopper(new CurveExtrapolationRule(3, 1, 0.95));
        Feed.run(st, "running", target, curve(95, 50, 0.7, 10));        // not finished: no reference
        Feed.finished(st, "short", curve(95, 50, 0.7, 10));             // finished at 10 < target 20
        double[] bad = curve(40, 30, 0.7, target);
        assertEquals(-1, stopEpoch(st, "bad", target, java.util.Arrays.copyOf(bad, 8)));
        Feed.finished(st, "ref", curve(95, 50, 0.7, target));
        assertTrue(st.onEpoch(Feed.pt("bad", 9, target, bad[8])).isPresent(), "stopped once a reference exists");
    }

    @Test
    void skipsNanValuesAndWaitsForThreeFinitePoints() {
        int target = 30;
        EarlyStopper st = new EarlyStopper(new CurveExtrapolationRule(2, 1, 0.95));
        Feed.finished(st, "ref", curve(95, 50, 0.7, target));
        double[] bad = curve(60, 30, 0.7, target);
        bad[1] = Double.NaN;
        bad[2] = Double.NaN;
        // finite points at epochs 1, 4, 5: the third finite point arrives at epoch 5
        assertEquals(5, stopEpoch(st, "bad", target, bad));
    }
}
