package dev.nasflow.strategy;

import dev.nasflow.testing.Slow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quality regression guard under the NAS-Bench-201 protocol (see {@link Nb201Harness}) with the default parameters.
 * Deterministic (fixed seeds), so the thresholds are not flaky; they sit below the measured means to absorb changes in
 * the space's random streams. Not a speed test.
 */
@Slow
class Nb201ProtocolTest {
    private static Nb201Harness harness;

    @BeforeAll
    static void load() throws IOException {
        harness = new Nb201Harness();
    }

    private static double mean(String type, int runs) {
        double sum = 0;
        for (int seed = 1; seed <= runs; seed++) {
            sum += harness.run(type, seed, Map.of())[0];
        }
        return sum / runs;
    }

    @Test
    void randomSearchMatchesThePaper() {
        double m = mean("random", 200);
        assertTrue(Math.abs(m - 90.93) < 0.15, "random " + m);
    }

    @Test
    void regularizedEvolutionBeatsTheTarget() {
        double m = mean("rea", 200);
        assertTrue(m >= 91.25, "rea " + m);
    }

    @Test
    void localSearchHuntsTheTop() {
        double m = mean("local", 200);
        assertTrue(m >= 91.25, "local " + m);
    }

    @Test
    void bananasHuntsTheTop() {
        double m = mean("bananas", 30);
        assertTrue(m >= 91.30, "bananas " + m);
    }
}
