package dev.nasflow.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {
    @Test
    void meanStdMedianLikeNumpy() {
        double[] xs = {1, 2, 3, 4};
        assertEquals(2.5, Stats.mean(xs), 1e-12);
        assertEquals(Math.sqrt(1.25), Stats.std(xs), 1e-12); // ddof = 0
        assertEquals(2.5, Stats.median(xs), 1e-12);
        assertEquals(3, Stats.median(new double[] {5, 3, 1}), 1e-12);
        assertTrue(Double.isNaN(Stats.mean(new double[0])));
    }

    @Test
    void roundKeepsNaN() {
        assertEquals(1.23, Stats.round(1.2345, 2), 1e-12);
        assertTrue(Double.isNaN(Stats.round(Double.NaN, 2)));
    }

    @Test
    void linearFitRecoversALine() {
        double[] fit = Stats.linearFit(new double[] {10, 50, 200}, new double[] {1.5, 5.5, 20.5});
        assertEquals(0.5, fit[0], 1e-9);
        assertEquals(0.1, fit[1], 1e-9);
        assertEquals(1.0, fit[2], 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Stats.linearFit(new double[] {1, 1}, new double[] {1, 2}));
    }
}
