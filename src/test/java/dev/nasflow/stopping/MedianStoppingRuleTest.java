package dev.nasflow.stopping;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nasflow.stopping.Feed.constant;
import static dev.nasflow.stopping.Feed.finished;
import static dev.nasflow.stopping.Feed.pt;
import static dev.nasflow.stopping.Feed.run;
import static dev.nasflow.stopping.Feed.stopEpoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MedianStoppingRuleTest {
    private static EarlyStopper stopper(int grace, int minTrials) {
        return new EarlyStopper(new MedianStoppingRule(grace, minTrials, false));
    }

    @Test
    void stopsAtTheFirstEpochAfterTheGracePeriod() {
        EarlyStopper st = stopper(3, 2);
        finished(st, "a", constant(70, 10));
        finished(st, "b", constant(80, 10));
        finished(st, "c", constant(90, 10));
        List<StopVerdict> v = run(st, "x", 10, constant(10, 10));
        assertEquals(1, v.size());
        assertEquals(3, v.get(0).epoch());
        assertEquals("median", v.get(0).rule());
        assertEquals("best 10 < median 80 of the running averages of 3 trials at epoch 3", v.get(0).reason());
    }

    @Test
    void waitsForMinTrialsReferences() {
        EarlyStopper st = stopper(1, 3);
        finished(st, "a", constant(70, 10));
        finished(st, "b", constant(80, 10));
        assertEquals(-1, stopEpoch(st, "x", 10, constant(10, 4)));
        finished(st, "c", constant(90, 10));
        assertTrue(st.onEpoch(pt("x", 5, 10, 10)).isPresent(), "the third reference enables the rule at epoch 5");
    }

    @Test
    void comparesBestSoFarWithTheMedianOfRunningAverages() {
        // references' running average at epoch 2 is (0 + 100) / 2 = 50
        EarlyStopper st = stopper(2, 3);
        for (String r : List.of("a", "b", "c")) {
            finished(st, r, 0, 100, 100, 100);
        }
        // x's running average (46) is below 50 but its best (52) is not: Vizier keeps it
        assertEquals(-1, stopEpoch(st, "x", 4, 52, 40));
        // at epoch 3 the references' running average is 200 / 3 = 66.7 > 52: stopped there
        assertEquals("best 52 < median 66.6667 of the running averages of 3 trials at epoch 3",
                st.onEpoch(pt("x", 3, 4, 40)).orElseThrow().reason());
        // y's best (49) is below 50: stopped at epoch 2
        assertEquals(2, stopEpoch(st, "y", 4, 49, 10));
    }

    @Test
    void aTieWithTheMedianContinues() {
        EarlyStopper st = stopper(1, 2);
        finished(st, "a", constant(70, 5));
        finished(st, "b", constant(80, 5));
        // median of {70, 80} is 75: equal is not strictly worse
        assertEquals(-1, stopEpoch(st, "x", 5, constant(75, 4)));
        assertEquals(1, stopEpoch(st, "y", 5, constant(74.99, 4)));
    }

    @Test
    void runningCandidatesCountUnlessCompletedOnly() {
        for (boolean completedOnly : new boolean[] {false, true}) {
            EarlyStopper st = new EarlyStopper(new MedianStoppingRule(2, 2, completedOnly));
            run(st, "a", 10, constant(80, 3));   // running, not finished
            run(st, "b", 10, constant(90, 3));
            int stop = stopEpoch(st, "x", 10, constant(10, 3));
            assertEquals(completedOnly ? -1 : 2, stop, "completedOnly=" + completedOnly);
        }
    }

    @Test
    void onlyCandidatesThatReachedTheEpochAreReferences() {
        EarlyStopper st = stopper(4, 2);
        run(st, "a", 20, constant(90, 10));
        run(st, "b", 20, constant(90, 3));
        // from epoch 4 on only a has reached x's epoch: one reference, fewer than minTrials
        assertEquals(-1, stopEpoch(st, "x", 20, constant(10, 5)));
        run(st, "b", 20, constant(90, 6));   // epochs 1-3 are duplicates (ignored); b now reached epoch 6
        StopVerdict v = st.onEpoch(pt("x", 6, 20, 10)).orElseThrow();
        assertEquals(6, v.epoch());
        assertTrue(v.reason().contains("of 2 trials at epoch 6"), v.reason());
    }

    @Test
    void nanValuesAreSkippedAndNanOnlyCurvesRankWorst() {
        EarlyStopper st = stopper(2, 2);
        finished(st, "a", 80, Double.NaN, 80, 80);
        finished(st, "b", 90, 90, Double.NaN, 90);
        // the NaN epoch of x is skipped: its best at epoch 2 is 95 (references' averages 80 and 90)
        assertEquals(-1, stopEpoch(st, "x", 4, 95, Double.NaN, 95));
        // a NaN-only candidate is the worst: stopped at the first eligible epoch (median of 80, 90, 95)
        StopVerdict v = run(st, "n", 4, Double.NaN, Double.NaN, Double.NaN).get(0);
        assertEquals(2, v.epoch());
        assertEquals("best -inf < median 90 of the running averages of 3 trials at epoch 2", v.reason());
    }

    @Test
    void aNanOnlyReferencePullsTheMedianDown() {
        EarlyStopper with = stopper(1, 2);
        finished(with, "a", constant(80, 4));
        finished(with, "b", constant(90, 4));
        assertEquals(1, stopEpoch(with, "x", 4, constant(82, 3)), "median of {80, 90} is 85");

        EarlyStopper withNan = stopper(1, 2);
        finished(withNan, "a", constant(80, 4));
        finished(withNan, "b", constant(90, 4));
        finished(withNan, "n", constant(Double.NaN, 4));
        assertEquals(-1, stopEpoch(withNan, "x", 4, constant(82, 3)), "median of {80, 90, -inf} is 80");
    }

    @Test
    void neverStopsAtOrAfterTheTargetEpoch() {
        EarlyStopper st = stopper(1, 1);
        finished(st, "a", constant(90, 3));
        assertTrue(st.onEpoch(pt("x", 3, 3, 1)).isEmpty());
        // y is fine at epochs 1-2 (best 95) and is not judged at its last epoch
        assertEquals(-1, stopEpoch(st, "y", 3, 95, 1, 1));
    }

    @Test
    void alsoStopsAgainstStoppedCandidatesCurves() {
        EarlyStopper st = stopper(1, 3);
        finished(st, "a", constant(90, 6));
        finished(st, "b", constant(90, 6));
        finished(st, "c", constant(90, 6));
        assertEquals(1, stopEpoch(st, "bad", 6, constant(5, 6)));
        // bad (stopped at epoch 1) still reached epoch 1 and counts there: median of {90, 90, 90, 5} = 90
        StopVerdict v = run(st, "y", 6, 50).get(0);
        assertTrue(v.reason().contains("of 4 trials"), v.reason());
    }

    @Test
    void percentileFiftyIsTheMedianAndSmallerKeepsFewer() {
        // references' running averages at epoch 1: 60, 70, 80, 90, 100
        for (double percentile : new double[] {50, 25, 100}) {
            EarlyStopper st = new EarlyStopper(new MedianStoppingRule(1, 3, false, percentile,
                    MedianStoppingRule.Compare.BEST));
            for (int r = 0; r < 5; r++) {
                finished(st, "r" + r, constant(60 + 10 * r, 4));
            }
            // cut-offs: percentile 50 -> 50th percentile = 80; 25 -> 75th = 90; 100 -> 0th = the worst, 60
            int at85 = stopEpoch(st, "x" + percentile, 4, constant(85, 3));
            int at65 = stopEpoch(st, "y" + percentile, 4, constant(65, 3));
            assertEquals(percentile == 25 ? 1 : -1, at85, "85 at percentile " + percentile);
            assertEquals(percentile == 100 ? -1 : 1, at65, "65 at percentile " + percentile);
        }
    }

    @Test
    void percentileInterpolatesBetweenReferencesAndNamesItsCutOff() {
        EarlyStopper st = new EarlyStopper(new MedianStoppingRule(1, 2, false, 25, MedianStoppingRule.Compare.BEST));
        finished(st, "a", constant(80, 4));
        finished(st, "b", constant(90, 4));
        // 75th percentile of {80, 90} = 87.5
        assertEquals(-1, stopEpoch(st, "x", 4, constant(87.5, 3)), "a tie continues");
        // x (running, reached epoch 3) is now a reference too: 75th percentile of {80, 87.5, 90} = 88.75
        StopVerdict v = run(st, "y", 4, constant(87, 3)).get(0);
        assertEquals("best 87 < 75th percentile 88.75 of the running averages of 3 trials at epoch 1", v.reason());
    }

    @Test
    void compareAverageJudgesTheCandidatesOwnRunningAverage() {
        // references' running average at epoch 2 is (0 + 100) / 2 = 50 (as in comparesBestSoFar... above)
        EarlyStopper st = new EarlyStopper(new MedianStoppingRule(2, 3, false, 50,
                MedianStoppingRule.Compare.AVERAGE));
        for (String r : List.of("a", "b", "c")) {
            finished(st, r, 0, 100, 100, 100);
        }
        // x's best (52) is above 50 but its running average (46) is not: stopped at epoch 2 (Vizier keeps it)
        StopVerdict v = run(st, "x", 4, 52, 40).get(0);
        assertEquals(2, v.epoch());
        assertEquals("running average 46 < median 50 of the running averages of 3 trials at epoch 2", v.reason());
        // a candidate on the same curve as the references ties with them and continues
        assertEquals(-1, stopEpoch(st, "y", 4, 0, 100, 100));
    }

    @Test
    void compareAverageStopsARisingCurveTheDefaultKeeps() {
        // references rise 60 -> 90; x rises 55 -> 80, behind them at every epoch but above their lagging averages
        double[] ref = {60, 70, 80, 90, 90, 90};
        double[] x = {55, 65, 75, 80, 80, 80};
        EarlyStopper best = stopper(3, 3);
        EarlyStopper avg = new EarlyStopper(new MedianStoppingRule(3, 3, false, 50,
                MedianStoppingRule.Compare.AVERAGE));
        for (EarlyStopper st : List.of(best, avg)) {
            for (String r : List.of("a", "b", "c")) {
                finished(st, r, ref);
            }
        }
        // at epoch 3: references' average 70, x's best 75 (kept by the default), x's average 65 (stopped)
        assertEquals(-1, stopEpoch(best, "x", 6, x));
        assertEquals(3, stopEpoch(avg, "x", 6, x));
    }

    @Test
    void rejectsABadPercentileOrCompare() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MedianStoppingRule(1, 1, false, 101, MedianStoppingRule.Compare.BEST));
        assertTrue(e.getMessage().startsWith("stopping.percentile: must be between 0 and 100"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MedianStoppingRule.Compare.parse("last"));
        assertEquals("stopping.compare: must be 'best' or 'average', got 'last'", e.getMessage());
        assertEquals(MedianStoppingRule.Compare.AVERAGE, MedianStoppingRule.Compare.parse(" Average"));
    }

    @Test
    void ordinalsInReasons() {
        assertEquals("75th", MedianStoppingRule.ordinal(75));
        assertEquals("1st", MedianStoppingRule.ordinal(1));
        assertEquals("22nd", MedianStoppingRule.ordinal(22));
        assertEquals("13th", MedianStoppingRule.ordinal(13));
        assertEquals("12.5th", MedianStoppingRule.ordinal(12.5));
    }
}
