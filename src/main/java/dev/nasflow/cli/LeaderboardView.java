package dev.nasflow.cli;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchStatus;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Plain-text rendering of search status and leaderboards. */
final class LeaderboardView {
    private LeaderboardView() {
    }

    static void printStatus(PrintStream out, SearchStatus s) {
        out.printf(Locale.ROOT, "search %s: %s, generation %d, %d evaluated (%d completed, %d stopped early, "
                        + "%d failed, %d diverged, %d infeasible), %d running, %.0f simulated s, %.1f s elapsed%n",
                s.searchId(), s.phase(), s.generation(), s.evaluations(), s.completed(), s.stoppedEarly(), s.failed(),
                s.diverged(), s.infeasible(), s.running().size(), s.simSeconds(), s.elapsedMillis() / 1000.0);
        if (s.warmStart() != null) {
            out.printf(Locale.ROOT, "warm start: %d priors (%d from another task)%s%n", s.warmStart().priors(),
                    s.warmStart().transferred(), s.warmStart().sources().isEmpty() ? ""
                            : ": " + String.join("; ", s.warmStart().sources()));
        }
        if (s.best() != null) {
            out.println("best: " + s.best().candidateId() + " " + s.best().arch() + " " + metrics(s.best()));
        }
    }

    static void printLeaderboard(PrintStream out, List<CandidateResult> board, int top, String primary) {
        out.printf(Locale.ROOT, "%-4s %-28s %-14s %6s %10s %10s  %s%n", "rank", "candidate", "outcome", "epochs",
                primary, "params", "architecture");
        int rank = 0;
        for (CandidateResult r : board) {
            if (++rank > top) {
                break;
            }
            out.printf(Locale.ROOT, "%-4d %-28s %-14s %6d %10.3f %10s  %s%n", rank, r.candidateId(), r.outcome(),
                    r.epochsTrained(), r.metric(primary), fmtCount(r.metric("params")), r.arch());
        }
        if (board.isEmpty()) {
            out.println("(no finished candidates yet)");
        }
    }

    static String metrics(CandidateResult r) {
        StringBuilder sb = new StringBuilder("{");
        r.metrics().forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(String.format(Locale.ROOT, "%.4g", v));
        });
        return sb.append('}').toString();
    }

    private static String fmtCount(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
