package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NumTest {
    /** Student t quantiles against tabulated values (any real dof; infinite = normal). */
    @Test
    void studentQuantilesMatchTheTables() {
        assertEquals(6.3138, Num.studentQuantile(0.95, 1), 1e-4);
        assertEquals(2.9200, Num.studentQuantile(0.95, 2), 1e-4);
        assertEquals(2.3534, Num.studentQuantile(0.95, 3), 1e-4);
        assertEquals(1.8125, Num.studentQuantile(0.95, 10), 1e-4);
        assertEquals(2.5706, Num.studentQuantile(0.975, 5), 1e-4);
        assertEquals(2.4573, Num.studentQuantile(0.99, 30), 1e-4);
        assertEquals(-2.1318, Num.studentQuantile(0.05, 4), 1e-4);
        assertEquals(0, Num.studentQuantile(0.5, 3), 0);
        double q25 = Num.studentQuantile(0.95, 2.5);
        assertEquals(true, q25 < Num.studentQuantile(0.95, 2) && q25 > Num.studentQuantile(0.95, 3), "" + q25);
        assertEquals(Num.normalQuantile(0.95), Num.studentQuantile(0.95, Double.POSITIVE_INFINITY), 0);
        assertEquals(1.6449, Num.studentQuantile(0.95, 1e6), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> Num.studentQuantile(0.95, 0));
        assertThrows(IllegalArgumentException.class, () -> Num.studentQuantile(1, 3));
    }
}
