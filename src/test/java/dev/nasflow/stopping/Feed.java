package dev.nasflow.stopping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helper: feeds hand-made curves into an {@link EarlyStopper}. */
final class Feed {
    static final String S = "s1";

    private Feed() {
    }

    static CurvePoint pt(String cand, int epoch, int target, double value) {
        return new CurvePoint(S, cand, epoch, target, value);
    }

    /** Feeds a whole curve and marks the candidate finished (a completed reference). */
    static void finished(EarlyStopper st, String cand, double... values) {
        for (int e = 1; e <= values.length; e++) {
            st.onEpoch(pt(cand, e, values.length, values[e - 1]));
        }
        st.onFinished(S, cand);
    }

    /** Feeds epochs 1..values.length of a curve with the given target; returns the verdicts (at most one). */
    static List<StopVerdict> run(EarlyStopper st, String cand, int target, double... values) {
        List<StopVerdict> out = new ArrayList<>();
        for (int e = 1; e <= values.length; e++) {
            Optional<StopVerdict> v = st.onEpoch(pt(cand, e, target, values[e - 1]));
            v.ifPresent(out::add);
        }
        return out;
    }

    /** Feeds epochs until the rule stops the candidate; returns the stop epoch or -1. */
    static int stopEpoch(EarlyStopper st, String cand, int target, double... values) {
        for (int e = 1; e <= values.length; e++) {
            if (st.onEpoch(pt(cand, e, target, values[e - 1])).isPresent()) {
                return e;
            }
        }
        return -1;
    }

    static double[] constant(double v, int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
