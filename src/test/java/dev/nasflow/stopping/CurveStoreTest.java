package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nasflow.stopping.Feed.S;
import static dev.nasflow.stopping.Feed.pt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurveStoreTest {
    @Test
    void outOfOrderAndGappedEpochsKeepAveragesRight() {
        CurveStore s = new CurveStore(S);
        assertTrue(s.record(pt("a", 3, 10, 30)));
        assertTrue(s.record(pt("a", 1, 10, 10)));
        assertTrue(s.record(pt("a", 5, 10, Double.NaN)));
        assertEquals(5, s.lastEpoch("a"));
        assertFalse(s.has("a", 2));
        assertTrue(s.has("a", 5));
        assertTrue(Double.isNaN(s.value("a", 5)));
        assertEquals(20, s.runningAverage("a", 3));
        assertEquals(20, s.runningAverage("a", 5), "the NaN at epoch 5 is skipped");
        assertEquals(10, s.runningAverage("a", 1));
        assertTrue(s.record(pt("a", 2, 10, 20)));
        assertEquals(20, s.runningAverage("a", 3));
        assertEquals(30, s.bestUpTo("a", 99));
        assertEquals(20, s.bestUpTo("a", 2));
        double[][] pts = s.finitePoints("a", 5);
        assertEquals(List.of(1.0, 2.0, 3.0), List.of(pts[0][0], pts[0][1], pts[0][2]));
        assertEquals(3, pts[1].length);
    }

    @Test
    void runningRivalsAreOthersThatMayStillFinishTheSameTarget() {
        CurveStore s = new CurveStore(S);
        for (String c : List.of("self", "run", "done", "ended", "decided", "short")) {
            s.record(pt(c, 1, c.equals("short") ? 5 : 10, 50));
        }
        s.finish("done");
        s.end("ended");
        s.markDecided(new StopVerdict(S, "decided", 1, "median", "below the median"));
        assertTrue(s.isRunningRival("run", "self", 10));
        assertFalse(s.isRunningRival("self", "self", 10), "not itself");
        assertFalse(s.isRunningRival("done", "self", 10), "finished: counts by its final, not as running");
        assertFalse(s.isRunningRival("ended", "self", 10), "ended: will never finish");
        assertFalse(s.isRunningRival("decided", "self", 10), "a stop was decided for it");
        assertFalse(s.isRunningRival("short", "self", 10), "another target");
        assertFalse(s.isRunningRival("unknown", "self", 10), "unknown: no target");
    }

    @Test
    void nonFiniteValuesAreNoValues() {
        CurveStore s = new CurveStore(S);
        s.record(pt("a", 1, 10, Double.NEGATIVE_INFINITY));
        s.record(pt("a", 2, 10, Double.NaN));
        assertEquals(Double.NEGATIVE_INFINITY, s.runningAverage("a", 2));
        assertEquals(Double.NEGATIVE_INFINITY, s.bestUpTo("a", 2));
        assertEquals(Double.NEGATIVE_INFINITY, s.runningAverage("unknown", 2));
        s.record(pt("a", 3, 10, Double.POSITIVE_INFINITY));
        assertEquals(Double.NEGATIVE_INFINITY, s.bestUpTo("a", 3), "+Infinity is not a usable value either");
    }

    @Test
    void bestFinalUsesFinishedCurvesThatReachedTheEpoch() {
        CurveStore s = new CurveStore(S);
        for (int e = 1; e <= 10; e++) {
            s.record(pt("long", e, 10, 80 + e));
            s.record(pt("running", e, 10, 99));
        }
        for (int e = 1; e <= 5; e++) {
            s.record(pt("short", e, 5, 95));
        }
        s.finish("long");
        s.finish("short");
        CurveStore.Reference r = s.bestFinal(10);
        assertEquals("long", r.candidateId());
        assertEquals(90, r.value());
        assertEquals(1, r.count());
        assertEquals(95, s.bestFinal(5).value());
        assertEquals(2, s.bestFinal(5).count());
        assertEquals(0, s.bestFinal(11).count());
    }

    @Test
    void evictsTheOldestFinishedOrStoppedCandidateFirst() {
        CurveStore s = new CurveStore(S, 3, 100);
        s.record(pt("a", 1, 5, 1));
        s.record(pt("b", 1, 5, 1));
        s.record(pt("c", 1, 5, 1));
        s.markDecided(new StopVerdict(S, "c", 1, "median", "r"));
        s.record(pt("d", 1, 5, 1));          // evicts c (stopped), not a (running, older)
        assertEquals(List.of("a", "b", "d"), s.candidates());
        s.record(pt("e", 1, 5, 1));          // nothing finished or stopped: the oldest goes
        assertEquals(List.of("b", "d", "e"), s.candidates());
        assertEquals(3, s.size());
    }

    @Test
    void rejectsForeignAndOversizedPoints() {
        CurveStore s = new CurveStore(S, 10, 50);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.record(pt("a", 51, 60, 1)));
        assertTrue(e.getMessage().startsWith("epoch: 51 exceeds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.record(new CurvePoint("other", "a", 1, 5, 1)));
        assertTrue(e.getMessage().startsWith("searchId:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pt("a", 0, 5, 1));
        assertTrue(e.getMessage().startsWith("epoch: must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pt(" ", 1, 5, 1));
        assertTrue(e.getMessage().startsWith("candidateId:"), e.getMessage());
    }

    @Test
    void aCandidateIsDecidedOnce() {
        CurveStore s = new CurveStore(S);
        assertFalse(s.alreadyDecided("a"));
        assertTrue(s.markDecided(new StopVerdict(S, "a", 3, "asha", "first")));
        assertFalse(s.markDecided(new StopVerdict(S, "a", 9, "asha", "second")));
        assertTrue(s.alreadyDecided("a"));
        assertEquals("first", s.decision("a").orElseThrow().reason());
    }

    @Test
    void longCurvesGrow() {
        CurveStore s = new CurveStore(S);
        for (int e = 1; e <= 1000; e++) {
            s.record(pt("a", e, 1000, e));
        }
        assertEquals(500.5, s.runningAverage("a", 1000));
        assertEquals(1000, s.bestUpTo("a", 1000));
    }

    @Test
    void aFinishedMemoHoldsUntilTheFinishedCandidatesChange() {
        CurveStore s = new CurveStore(S, 3, 100);
        s.record(pt("a", 1, 10, 50));
        s.finish("a");
        s.putFinishedMemo("k", 0.5);
        assertEquals(0.5, s.finishedMemo("k"));
        s.record(pt("b", 1, 10, 60));                        // a running candidate's point: still valid
        s.recordStatics("b", java.util.Map.of("params", 10));
        assertEquals(0.5, s.finishedMemo("k"));
        s.record(pt("a", 2, 10, 55));                        // a late point of a finished curve: stale
        assertTrue(Double.isNaN(s.finishedMemo("k")));
        s.putFinishedMemo("k", 0.6);
        s.recordStatics("a", java.util.Map.of("params", 10)); // a finished candidate's cost: stale
        assertTrue(Double.isNaN(s.finishedMemo("k")));
        s.putFinishedMemo("k", 0.7);
        s.finish("b");                                        // one more finished: stale
        assertTrue(Double.isNaN(s.finishedMemo("k")));
        s.putFinishedMemo("k", 0.8);
        s.record(pt("c", 1, 10, 70));
        s.record(pt("d", 1, 10, 70));                         // a fourth curve evicts a finished one: stale
        assertTrue(Double.isNaN(s.finishedMemo("k")));
        assertTrue(Double.isNaN(s.finishedMemo("other")));
    }
}
