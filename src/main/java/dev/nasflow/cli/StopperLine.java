package dev.nasflow.cli;

import dev.nasflow.api.SearchStatus;
import dev.nasflow.model.StopperInfo;

import java.io.PrintStream;

/**
 * Whether a search's early stopping is live: the line "stopper: live (rule median, 3 decisions)" printed by
 * {@code search status}, the leaderboard footer and the quickstart, and a loud warning on stderr when the search's rule
 * is not {@code none} and no early-stopping service attached within {@value #ATTACH_GRACE_MS} ms of the start (its
 * candidates would silently run to the end).
 */
final class StopperLine {
    /** How long after its start a search with an acting rule may go without a stopper before the warning. */
    static final long ATTACH_GRACE_MS = 10_000;

    private StopperLine() {
    }

    /** "stopper: live (rule median, 3 decisions)", "stopper: none (rule none)", or "stopper: not attached ...". */
    static String describe(SearchStatus s) {
        StopperInfo info = s.stopper();
        if (info != null) {
            return "stopper: " + info.describe();
        }
        String rule = rule(s);
        if ("none".equals(rule)) {
            return "stopper: none (rule none)";
        }
        return "stopper: not attached (rule " + rule + ")";
    }

    /** True when the rule acts, no stopper attached, and the search has run for {@link #ATTACH_GRACE_MS} or more. */
    static boolean missing(SearchStatus s) {
        return s.stopper() == null && !"none".equals(rule(s)) && s.elapsedMillis() >= ATTACH_GRACE_MS;
    }

    static String warning(SearchStatus s) {
        String bar = "!".repeat(100);
        return bar + "\n!!! WARNING: no early-stopping service has attached to search " + s.searchId() + " (rule "
                + rule(s) + ")\n!!! " + Math.round(s.elapsedMillis() / 1000.0) + " s after its start: its candidates"
                + " are NOT being stopped early.\n!!! Fix: start one (`nasflow stopper --temporal HOST:PORT --kafka "
                + "HOST:PORT`, or `nasflow dev`), and check that it\n!!! reaches the same Kafka and Temporal (its log "
                + "says \"stopper: search " + s.searchId() + " uses rule " + rule(s) + "\").\n" + bar;
    }

    /** The stopper line on {@code out}; the warning on {@code err} when {@link #missing}. */
    static void print(PrintStream out, PrintStream err, SearchStatus s) {
        if (s == null) {
            return;
        }
        out.println(describe(s));
        if (missing(s)) {
            err.println(warning(s));
        }
    }

    private static String rule(SearchStatus s) {
        return s.spec() == null || s.spec().stopping() == null ? "none" : s.spec().stopping().rule();
    }

    /** Prints the warning once, the first time a polled status is {@link #missing}. */
    static final class Watch {
        private final PrintStream err;
        private boolean warned;

        Watch(PrintStream err) {
            this.err = err;
        }

        void check(SearchStatus s) {
            if (!warned && s != null && missing(s)) {
                warned = true;
                err.println();
                err.println(warning(s));
            }
        }

        boolean warned() {
            return warned;
        }
    }
}
