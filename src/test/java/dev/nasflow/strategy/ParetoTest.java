package dev.nasflow.strategy;

import dev.nasflow.model.Direction;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nasflow.model.Direction.MAXIMIZE;
import static dev.nasflow.model.Direction.MINIMIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoTest {
    private static final List<Direction> MAX_MIN = List.of(MAXIMIZE, MINIMIZE);
    private static final List<Direction> MIN_MIN = List.of(MINIMIZE, MINIMIZE);

    /** (accuracy ↑, params ↓). */
    private static final List<double[]> POINTS = List.of(
            new double[] {90, 5},   // 0 front 0
            new double[] {80, 2},   // 1 front 0
            new double[] {85, 3},   // 2 front 0
            new double[] {70, 1},   // 3 front 0
            new double[] {84, 4},   // 4 front 1 (by 0? no: by 2)
            new double[] {75, 3},   // 5 front 1 (by 1)
            new double[] {60, 6},   // 6 front 2
            new double[] {85, 3});  // 7 front 0 (equal to 2: no domination)

    @Test
    void dominanceIsDirectionAware() {
        assertTrue(Pareto.dominates(new double[] {90, 1}, new double[] {80, 2}, MAX_MIN));
        assertFalse(Pareto.dominates(new double[] {90, 1}, new double[] {80, 2}, MIN_MIN));
        assertTrue(Pareto.dominates(new double[] {80, 1}, new double[] {90, 2}, MIN_MIN));
        assertFalse(Pareto.dominates(new double[] {85, 3}, new double[] {85, 3}, MAX_MIN), "equal points");
        assertTrue(Pareto.dominates(new double[] {85, 3}, new double[] {85, 4}, MAX_MIN), "weakly better");
        assertTrue(Pareto.dominates(new double[] {1, 1}, new double[] {Double.NaN, 0}, List.of(MAXIMIZE, MAXIMIZE)),
                "NaN is worst");
        assertThrows(IllegalArgumentException.class,
                () -> Pareto.dominates(new double[] {1}, new double[] {1, 2}, MAX_MIN));
    }

    @Test
    void nonDominatedSubset() {
        assertEquals(List.of(0, 1, 2, 3, 7), Pareto.nonDominated(POINTS, MAX_MIN));
    }

    @Test
    void fastNonDominatedSortRanks() {
        List<List<Integer>> fronts = Pareto.sort(POINTS, MAX_MIN);
        assertEquals(List.of(List.of(0, 1, 2, 3, 7), List.of(4, 5), List.of(6)), fronts);
    }

    @Test
    void crowdingDistancesOfAHandMadeFront() {
        // Front sorted by accuracy: 3 (70,1), 1 (80,2), 2 (85,3), 0 (90,5). Ranges: acc 20, params 4.
        List<Integer> front = List.of(0, 1, 2, 3);
        double[] d = Pareto.crowding(POINTS, front, MAX_MIN);
        assertEquals(Double.POSITIVE_INFINITY, d[0]);
        assertEquals(Double.POSITIVE_INFINITY, d[3]);
        // point 1: acc neighbours 70 and 85 → 15/20; params neighbours 1 and 3 → 2/4
        assertEquals(15.0 / 20 + 2.0 / 4, d[1], 1e-12);
        // point 2: acc neighbours 80 and 90 → 10/20; params neighbours 2 and 5 → 3/4
        assertEquals(10.0 / 20 + 3.0 / 4, d[2], 1e-12);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY},
                Pareto.crowding(POINTS, List.of(4, 5), MAX_MIN));
    }

    @Test
    void hypervolume2dByHand() {
        // Minimise both, reference (4, 4): points (1,3), (2,2), (3,1) → staircase area 1·1 + 2·1 + 3·1 = 6.
        List<double[]> pts = List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1});
        assertEquals(6.0, Pareto.hypervolume(pts, new double[] {4, 4}, MIN_MIN), 1e-12);
        // A dominated point and a point beyond the reference change nothing.
        List<double[]> more = List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1},
                new double[] {3, 3}, new double[] {5, 0});
        assertEquals(6.0, Pareto.hypervolume(more, new double[] {4, 4}, MIN_MIN), 1e-12);
        // Accuracy ↑ / params ↓ with reference (accuracy 50, params 10): (90,5) → 40·5; (80,2) adds 30·3.
        List<double[]> mixed = List.of(new double[] {90, 5}, new double[] {80, 2});
        assertEquals(40 * 5 + 30 * 3, Pareto.hypervolume(mixed, new double[] {50, 10}, MAX_MIN), 1e-12);
        assertEquals(0.0, Pareto.hypervolume(List.of(), new double[] {0, 0}, MAX_MIN));
    }

    @Test
    void hypervolume1dAnd3dByHand() {
        assertEquals(7.0, Pareto.hypervolume(List.of(new double[] {3}, new double[] {7}), new double[] {0},
                List.of(MAXIMIZE)), 1e-12);
        List<Direction> max3 = List.of(MAXIMIZE, MAXIMIZE, MAXIMIZE);
        // Two boxes from the origin: [2,1,1] and [1,2,2]: 2 + 4 - overlap [1,1,1] = 5.
        List<double[]> pts = List.of(new double[] {2, 1, 1}, new double[] {1, 2, 2});
        assertEquals(5.0, Pareto.hypervolume(pts, new double[] {0, 0, 0}, max3), 1e-12);
        // Three unit-offset boxes: 2x1x1, 1x2x1, 1x1x2 → union = 1 + 3·1 = 4.
        List<double[]> three = List.of(new double[] {2, 1, 1}, new double[] {1, 2, 1}, new double[] {1, 1, 2});
        assertEquals(4.0, Pareto.hypervolume(three, new double[] {0, 0, 0}, max3), 1e-12);
    }
}
