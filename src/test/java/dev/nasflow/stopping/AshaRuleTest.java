package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.nasflow.stopping.Feed.pt;
import static dev.nasflow.stopping.Feed.stopEpoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AshaRuleTest {
    @Test
    void rungLadderForEtaThree() {
        AshaRule r = new AshaRule(1, 3, 3);
        int[] rungs = {1, 3, 9, 27, 81};
        for (int k = 0; k < rungs.length; k++) {
            assertEquals(k, r.rungOf(rungs[k], 200), "epoch " + rungs[k]);
        }
        for (int e : new int[] {2, 4, 8, 10, 26, 28, 80, 199, 200, 243}) {
            assertEquals(-1, r.rungOf(e, 200), "epoch " + e);
        }
        assertEquals(-1, r.rungOf(81, 81), "a rung must lie below the target epoch");
        assertEquals(3, r.rungOf(27, 28));
        AshaRule r2 = new AshaRule(2, 3, 3);
        assertEquals(0, r2.rungOf(2, 100));
        assertEquals(1, r2.rungOf(6, 100));
        assertEquals(2, r2.rungOf(18, 100));
        assertEquals(3, r2.rungOf(54, 100));
        assertEquals(-1, r2.rungOf(1, 100));
        assertEquals(-1, r2.rungOf(3, 100));
    }

    @Test
    void keepsTheTopFloorNOverEtaAtLeastOne() {
        EarlyStopper st = new EarlyStopper(new AshaRule(1, 3, 3));
        // candidate -> its rung-0 value, reported in this order; expected decision at epoch 1
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Boolean> stopped = new LinkedHashMap<>();
        values.put("c1", 50.0); stopped.put("c1", false);   // n=1 < minTrials
        values.put("c2", 60.0); stopped.put("c2", false);   // n=2 < minTrials
        values.put("c3", 40.0); stopped.put("c3", true);    // n=3, keep 1: 60 and 50 are better
        values.put("c4", 70.0); stopped.put("c4", false);   // n=4, keep 1: best
        values.put("c5", 65.0); stopped.put("c5", true);    // n=5, keep 1: 70 is better
        values.put("c6", 80.0); stopped.put("c6", false);   // n=6, keep 2
        values.put("c7", 68.0); stopped.put("c7", true);    // n=7, keep 2: 80 and 70 are better
        values.put("c8", 75.0); stopped.put("c8", false);   // n=8, keep 2: only 80 is better
        values.put("c9", 69.0); stopped.put("c9", true);    // n=9, keep 3: 80, 75, 70 are better
        for (var e : values.entrySet()) {
            boolean s = st.onEpoch(pt(e.getKey(), 1, 27, e.getValue())).isPresent();
            assertEquals(stopped.get(e.getKey()), s, e.getKey());
        }
        StopVerdict v = st.decision(Feed.S, "c9").orElseThrow();
        assertEquals("value 69 at rung 0 (epoch 1) is not in the top 3 of 9 (eta 3, cutoff 70)", v.reason());
        // epoch 2 is no rung: nobody is judged there
        assertTrue(st.onEpoch(pt("c1", 2, 27, 0)).isEmpty());
    }

    @Test
    void stopsExactlyAtTheRungWhereTheCandidateFallsBehind() {
        EarlyStopper st = new EarlyStopper(new AshaRule(1, 3, 3));
        double[] good = {50, 60, 70, 72, 74, 76, 78, 80, 82};
        for (String c : new String[] {"a", "b", "c"}) {
            Feed.run(st, c, 27, good);
        }
        // x is the best at rung 0 (epoch 1) and fine at epoch 2, then last at rung 1 (epoch 3)
        assertEquals(3, stopEpoch(st, "x", 27, 90, 10, 10, 10));
        // y falls behind at epoch 4 but is only judged at rung 2 (epoch 9)
        assertEquals(9, stopEpoch(st, "y", 27, 90, 80, 80, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void tiesContinueAndMinTrialsBootstraps() {
        EarlyStopper st = new EarlyStopper(new AshaRule(1, 2, 4));
        assertEquals(-1, stopEpoch(st, "a", 10, 50));
        assertEquals(-1, stopEpoch(st, "b", 10, 40));
        assertEquals(-1, stopEpoch(st, "c", 10, 30), "3 reports < minTrials 4");
        assertEquals(1, stopEpoch(st, "d", 10, 20), "4 reports, keep 2: 50 and 40 are better");
        assertEquals(-1, stopEpoch(st, "e", 10, 40), "5 reports, keep 2: only 50 is strictly better (tie with 40)");
    }

    @Test
    void nanAtARungRanksWorstAndFinishedCandidatesCompete() {
        EarlyStopper st = new EarlyStopper(new AshaRule(1, 3, 3));
        Feed.finished(st, "f1", 60, 60, 60);
        Feed.finished(st, "f2", 70, 70, 70);
        assertEquals(1, stopEpoch(st, "n", 9, Double.NaN));
        assertEquals(-1, stopEpoch(st, "ok", 9, 80, 80, 80));
    }
}
