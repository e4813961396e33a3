package dev.nasflow.nb201;

import dev.nasflow.space.Genome;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTrainerTest {
    final Nb201Table table = Nb201Table.cifar10();
    final Genome best = Nb201Table.genome(Nb201Table.index(Nb201TableTest.BEST));

    @Test
    void curvePassesThroughTabulatedPoints() {
        TableTrainer t = new TableTrainer(table);
        for (int i : table.indices()) {
            Genome g = Nb201Table.genome(i);
            assertEquals(table.valid12(i), t.curve(g, 12));
            assertEquals(table.valid200(i), t.curve(g, 200));
            assertEquals(table.test12(i), t.testCurve(g, 12));
            assertEquals(table.test200(i), t.testCurve(g, 200));
        }
    }

    @Test
    void curveIsMonotoneAndFlooredAtChance() {
        int rising = 0;
        for (int i : table.indices()) {
            double v12 = table.valid12(i);
            double v200 = table.valid200(i);
            double floor = Math.min(10.0, v12);
            double prev = Double.NEGATIVE_INFINITY;
            for (int e = 1; e <= 12; e++) {
                double v = LearningCurve.at(e, v12, v200, 10.0);
                assertTrue(v >= prev - 1e-12, "non-decreasing up to 12 epochs, cell " + i + " epoch " + e);
                assertTrue(v >= floor - 1e-12, "floored at chance");
                prev = v;
            }
            double sign = Math.signum(v200 - v12);
            for (int e = 13; e <= 200; e++) {
                double v = LearningCurve.at(e, v12, v200, 10.0);
                assertTrue(sign * (v - prev) >= -1e-12, "monotone from v12 to v200, cell " + i + " epoch " + e);
                assertTrue(v >= Math.min(v12, v200) - 1e-12 && v <= Math.max(v12, v200) + 1e-12);
                prev = v;
            }
            if (v200 >= v12) {
                rising++;
            }
        }
        assertEquals(15_625 - 103, rising, "cells whose curve is monotone over all of 1..200");
    }

    @Test
    void curveModelValues() {
        double span = Math.log(200.0 / 12);
        assertEquals(80 + 10 * Math.log(50.0 / 12) / span, LearningCurve.at(50, 80, 90, 10), 1e-12);
        assertEquals(80 - 10 * Math.log(12.0 / 4) / span, LearningCurve.at(4, 80, 90, 10), 1e-12);
        assertEquals(10.0, LearningCurve.at(1, 12, 90, 10), 1e-12, "floor at chance");
        assertEquals(60.0, LearningCurve.at(3, 60, 55, 10), 1e-12, "falling cells stay flat below 12");
        assertThrows(IllegalArgumentException.class, () -> LearningCurve.at(0, 80, 90, 10));
        assertThrows(IllegalArgumentException.class, () -> LearningCurve.at(201, 80, 90, 10));
    }

    @Test
    void simulatedCostIsTrainAllTimeTimesEpochsOver200() {
        SimulatedClock clock = new SimulatedClock();
        TableTrainer t = new TableTrainer(table, clock);
        double all = 2879.749334;
        assertEquals(all * 12 / 200, t.cost(best, 12), 1e-9);
        assertEquals(all, t.cost(best, 200), 1e-9);
        Map<String, Double> m = t.evaluate(best, 12);
        assertEquals(all * 12 / 200, clock.now(), 1e-9);
        assertEquals(all * 12 / 200, m.get("simSeconds"), 1e-9);
        assertEquals(12.0, m.get("epochs"));
        assertEquals(84.384, m.get("validAccuracy"), 1e-9);
        assertEquals(88.79, m.get("testAccuracy"), 1e-9);
        assertFalse(m.containsKey("trainLoss"), "losses are tabulated at 200 epochs only");
        t.evaluate(best, 50);
        assertEquals(all * 62 / 200, clock.now(), 1e-9);

        Map<String, Double> full = t.metrics(best, 200);
        assertEquals(91.60666665, full.get("validAccuracy"), 1e-9);
        assertEquals(99.99466667, full.get("trainAccuracy"), 1e-9);
        assertEquals(0.001446605, full.get("trainLoss"), 1e-12);
        assertEquals(0.413813347, full.get("validLoss"), 1e-12);
        assertEquals(all * 62 / 200, clock.now(), 1e-9, "metrics() does not pay");
        dev.nasflow.space.Cost cost = Nb201Table.space().cost(best, dev.nasflow.space.InputShape.CIFAR10);
        assertEquals((double) cost.params(), full.get("params"));
        assertEquals((double) cost.flops(), full.get("flops"));
        assertEquals(full.get("params"), m.get("params"), "cost does not depend on epochs");
        assertTrue(full.get("params") > 0 && full.get("flops") > 0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.evaluate(best, 201));
        assertTrue(e.getMessage().contains("1..200"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.cost(best, 0));
    }

    @Test
    void clocksAreIndependentPerTrainer() {
        TableTrainer a = new TableTrainer(table);
        TableTrainer b = a.withClock(new SimulatedClock());
        a.evaluate(best, 12);
        assertEquals(0.0, b.clock().now());
        SimulatedClock c = new SimulatedClock(5);
        assertEquals(7.5, c.advance(2.5));
        assertTrue(c.reached(7.5));
        assertFalse(c.reached(7.6));
        assertThrows(IllegalArgumentException.class, () -> c.advance(-1));
        assertThrows(IllegalArgumentException.class, () -> c.advance(Double.NaN));
    }
}
