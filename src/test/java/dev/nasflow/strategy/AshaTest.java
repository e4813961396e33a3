package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AshaTest {
    private Asha asha;

    private void start(long seed) {
        asha = (Asha) Strategies.create("asha", Synthetic.ctx(Synthetic.NB201, seed, Map.of("eta", 3), 1, 27));
    }

    private Proposal one() {
        List<Proposal> p = asha.propose(1);
        assertEquals(1, p.size());
        return p.get(0);
    }

    private void result(Proposal p, double accuracy) {
        asha.observe(new Observation(p.genome(), p.epochs(), Map.of("validAccuracy", accuracy), Outcome.COMPLETED));
    }

    private static void assertPromotion(Proposal expectedFrom, int epochs, Proposal actual) {
        assertEquals(expectedFrom.genome(), actual.genome(), "promoted config");
        assertEquals(epochs, actual.epochs());
    }

    private static void assertNew(int epochs, Proposal actual, Proposal... known) {
        assertEquals(epochs, actual.epochs());
        for (Proposal k : known) {
            assertNotEquals(k.genome(), actual.genome(), "expected a new config");
        }
    }

    @Test
    void rungLadder() {
        assertArrayEquals(new int[] {1, 3, 9, 27}, Asha.rungs(1, 27, 3));
        assertArrayEquals(new int[] {1, 3, 9, 27, 50}, Asha.rungs(1, 50, 3));
        assertArrayEquals(new int[] {2, 8, 32, 100}, Asha.rungs(2, 100, 4));
        assertArrayEquals(new int[] {12}, Asha.rungs(12, 12, 3));
        assertThrows(IllegalArgumentException.class, () -> Asha.rungs(0, 27, 3));
        assertThrows(IllegalArgumentException.class, () -> Asha.rungs(5, 4, 3));
        start(1);
        assertArrayEquals(new int[] {1, 3, 9, 27}, asha.rungs());
    }

    @Test
    void promotionRuleOnAScriptedSequence() {
        start(1);
        Proposal a = one();
        Proposal b = one();
        Proposal c = one();
        assertEquals(1, a.epochs());
        result(a, 50);
        result(b, 60);
        // n0 = 2 → floor(2/3) = 0: nothing promotable yet, a new config.
        Proposal d = one();
        assertNew(1, d, a, b, c);
        result(c, 40);
        // n0 = 3 → top 1 = b (60).
        assertPromotion(b, 3, one());
        // b is taken; a (50) is not in the top 1 → new config.
        Proposal e = one();
        assertNew(1, e, a, b, c, d);
        result(d, 70);
        // n0 = 4 → top 1 = d (70), not promoted yet.
        assertPromotion(d, 3, one());
        result(e, 55);
        Proposal f = one();
        assertNew(1, f, a, b, c, d, e);
        result(f, 45);
        // n0 = 6 → top 2 = d (70), b (60): both promoted → new.
        Proposal g = one();
        assertNew(1, g, a, b, c, d, e, f);
        result(g, 80);
        // n0 = 7 → top 2 = g (80), d (70) → g.
        Proposal gUp = one();
        assertPromotion(g, 3, gUp);
        result(new Proposal(b.genome(), 3), 65);
        result(new Proposal(d.genome(), 3), 75);
        Proposal h = one();
        assertNew(1, h, a, b, c, d, e, f, g);
        result(gUp, 85);
        // n1 = 3 (65, 75, 85) → top 1 = g: promoted to rung 2 (9 epochs), highest rung first.
        assertPromotion(g, 9, one());
        // h fails: counted at rung 0 as worst (n0 = 8 → top 2 = g, d, both promoted) → new config.
        asha.observe(Synthetic.failed(h, Outcome.FAILED));
        Proposal i = one();
        assertNew(1, i, a, b, c, d, e, f, g, h);
        assertArrayEquals(new int[] {8, 3, 0, 0}, asha.rungCounts());
    }

    @Test
    void higherRungsArePromotedFirst() {
        start(2);
        List<Proposal> first = asha.propose(9);
        double[] acc = {10, 20, 30, 40, 50, 60, 70, 80, 90};
        for (int i = 0; i < 9; i++) {
            result(first.get(i), acc[i]);
        }
        // n0 = 9 → top 3 = 90, 80, 70 promoted in that order.
        List<Proposal> up = asha.propose(3);
        assertEquals(List.of(first.get(8).genome(), first.get(7).genome(), first.get(6).genome()),
                up.stream().map(Proposal::genome).toList());
        up.forEach(p -> assertEquals(3, p.epochs()));
        // Rung 0 (n0 = 9, top 3) is used up: new configs. Their results make n0 = 12 → top 4 → 65 promotable.
        List<Proposal> fresh = asha.propose(3);
        fresh.forEach(p -> assertEquals(1, p.epochs()));
        result(fresh.get(0), 65);
        result(fresh.get(1), 5);
        result(fresh.get(2), 5);
        // Rung 1 results: n1 = 3 → top 1 (91) promotable too.
        result(up.get(0), 91);
        result(up.get(1), 81);
        result(up.get(2), 71);
        List<Proposal> next = asha.propose(3);
        assertEquals(first.get(8).genome(), next.get(0).genome(), "rung 1 before rung 0");
        assertEquals(9, next.get(0).epochs());
        assertEquals(fresh.get(0).genome(), next.get(1).genome());
        assertEquals(3, next.get(1).epochs());
        assertEquals(1, next.get(2).epochs());
    }

    @Test
    void stoppedEarlyBeforeTheRungCountsAsWorstThere() {
        start(3);
        List<Proposal> p = asha.propose(3);
        result(p.get(0), 60);
        result(p.get(1), 50);
        result(p.get(2), 40);
        Proposal up = one();
        assertEquals(p.get(0).genome(), up.genome());
        assertEquals(3, up.epochs());
        asha.observe(new Observation(up.genome(), 2, Map.of("validAccuracy", 99.0), Outcome.STOPPED_EARLY));
        assertArrayEquals(new int[] {3, 1, 0, 0}, asha.rungCounts());
        // Not promotable even with a high partial metric: nothing goes to rung 2 later.
        for (int k = 0; k < 20; k++) {
            Proposal q = one();
            assertFalse(q.genome().equals(up.genome()), "stopped config proposed again");
            result(q, 10 + k);
        }
    }

    @Test
    void promotionsReuseGenomesNewConfigsNeverDo() {
        start(4);
        List<Proposal> all = Synthetic.drive(asha, 200, 27, true);
        java.util.Set<Genome> rung0 = new java.util.HashSet<>();
        for (Proposal p : all) {
            if (p.epochs() == 1) {
                assertTrue(rung0.add(p.genome()), "new config repeated");
            } else {
                assertTrue(rung0.contains(p.genome()), "promotion of an unknown config");
            }
        }
        assertTrue(all.stream().anyMatch(p -> p.epochs() == 27), "something reached the top rung");
    }
}
