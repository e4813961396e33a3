package dev.nasflow.stopping;

import dev.nasflow.model.ParamDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Median stopping rule (Golovin et al., "Google Vizier: A Service for Black-Box Optimization", KDD 2017, section
 * 3.2.2; Katib {@code medianstop}, https://www.kubeflow.org/docs/components/katib/early-stopping/): a pending trial
 * is stopped at step {@code t} if its <em>best</em> objective value by step {@code t} is strictly worse than the
 * median of the <em>running averages</em> (mean of the values at steps 1..t) of the reference trials.
 *
 * <p>Precisely, for a point of candidate {@code c} at epoch {@code t}:
 * <ol>
 *   <li>nothing happens while {@code t < gracePeriod} (Katib {@code start_step}, default 4) or when
 *       {@code t >= targetEpochs} (nothing left to save);</li>
 *   <li>references: every <em>other</em> candidate of the search whose curve reached {@code t} (last reported epoch
 *       at least {@code t}): running, finished or already stopped. With {@code completedOnly=true} only finished
 *       candidates count, which is Vizier's literal wording ("completed trials"); the default also counts running
 *       ones because in a streaming search the first generation has no completed trial until it is over;</li>
 *   <li>fewer than {@code minTrials} references (Katib {@code min_trials_required}, default 3): no decision;</li>
 *   <li>stop iff score(c, t) &lt; cut-off (strict: a tie continues), where the cut-off is the
 *       {@code (100 - percentile)}-th percentile (linear interpolation between order statistics, as numpy's
 *       default) of the references' running averages at t, and score is {@code c}'s best value at epochs 1..t
 *       ({@code compare=best}, Vizier, the default) or its own running average at t ({@code compare=average}: like
 *       compared with like).</li>
 * </ol>
 * {@code percentile} follows Optuna's {@code PercentilePruner}: the share of candidates (in percent) a candidate must
 * be in the top of to continue; 50 (the default) is the median, smaller keeps fewer (25 stops everything below the
 * upper quartile), 100 stops only what is worse than every reference.
 *
 * <p>Why the default rule is lenient on rising curves: a running average lags the current value (on a curve that is
 * linear in log(epochs) it is about the value at {@code t / e}), while the best of a rising curve is its current
 * value. A candidate is thus compared with where the others were a while ago, and anything whose curve is within
 * that lag of the median keeps going; {@code compare=average} or a smaller {@code percentile} removes that slack.
 *
 * <p>NaN-safety: non-finite values are skipped in bests and averages; a curve without any finite value up to
 * {@code t} counts as {@code -Infinity} (the worst), so a NaN-only candidate is stopped once enough references
 * exist, and a NaN-only reference pulls the cut-off down.
 */
public final class MedianStoppingRule implements StoppingRule {
    /** {@code median}: stop below the running median (or a percentile) of the others at the same epoch. */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("median",
            (v, s) -> new MedianStoppingRule(v.integer("gracePeriod"), v.integer("minTrials"), v.bool("completedOnly"),
                    v.number("percentile"), Compare.parse(v.text("compare"))),
            ParamDef.integer("gracePeriod", 1, StoppingRules.MAX_INT, 4,
                    "first epoch at which a candidate may be stopped (Katib start_step)"),
            ParamDef.integer("minTrials", 1, StoppingRules.MAX_INT, 3,
                    "minimum number of other candidates that reached the epoch (Katib min_trials_required)"),
            ParamDef.bool("completedOnly", false,
                    "compare only against finished candidates (Vizier's literal rule) instead of all others"),
            ParamDef.number("percentile", 0.0, 100.0, MedianStoppingRule.DEFAULT_PERCENTILE,
                    "keep candidates in the top percentile percent (Optuna PercentilePruner): stop when below "
                            + "the (100 - percentile)-th percentile of the references; 50 = median, smaller "
                            + "stops more"),
            ParamDef.choice("compare", List.of("best", "average"), "best",
                    "what of the candidate's curve is compared with the references' running averages: its "
                            + "best value so far (Vizier) or its own running average"));

    /** What of the candidate's own curve is compared with the references' running averages. */
    public enum Compare {
        /** Its best value so far (Vizier, Katib, Ray Tune). */
        BEST,
        /** Its running average (the same statistic as the references'). */
        AVERAGE;

        /** The spec spelling ({@code best}, {@code average}). */
        public String spec() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses the spec spelling; the error names {@code stopping.compare}. */
        public static Compare parse(String s) {
            for (Compare c : values()) {
                if (c.spec().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("stopping.compare: must be 'best' or 'average', got '" + s + "'");
        }
    }

    public static final double DEFAULT_PERCENTILE = 50.0;

    private final int gracePeriod;
    private final int minTrials;
    private final boolean completedOnly;
    private final double percentile;
    private final Compare compare;

    /** The median rule (percentile 50, best so far compared). */
    public MedianStoppingRule(int gracePeriod, int minTrials, boolean completedOnly) {
        this(gracePeriod, minTrials, completedOnly, DEFAULT_PERCENTILE, Compare.BEST);
    }

    public MedianStoppingRule(int gracePeriod, int minTrials, boolean completedOnly, double percentile,
                              Compare compare) {
        if (gracePeriod < 1) {
            throw new IllegalArgumentException("stopping.gracePeriod: must be >= 1, got " + gracePeriod);
        }
        if (minTrials < 1) {
            throw new IllegalArgumentException("stopping.minTrials: must be >= 1, got " + minTrials);
        }
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("stopping.percentile: must be between 0 and 100 (50 = median), got "
                    + percentile);
        }
        if (compare == null) {
            throw new IllegalArgumentException("stopping.compare: must be 'best' or 'average', got null");
        }
        this.gracePeriod = gracePeriod;
        this.minTrials = minTrials;
        this.completedOnly = completedOnly;
        this.percentile = percentile;
        this.compare = compare;
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        int t = p.epoch();
        if (t < gracePeriod || t >= p.targetEpochs()) {
            return Optional.empty();
        }
        List<Double> refs = new ArrayList<>();
        for (String other : store.candidates()) {
            if (other.equals(p.candidateId()) || store.lastEpoch(other) < t) {
                continue;
            }
            if (completedOnly && !store.isFinished(other)) {
                continue;
            }
            refs.add(store.runningAverage(other, t));
        }
        if (refs.size() < minTrials) {
            return Optional.empty();
        }
        double[] xs = refs.stream().mapToDouble(Double::doubleValue).toArray();
        double cut = cutoff(xs, percentile);
        double score = compare == Compare.BEST ? store.bestUpTo(p.candidateId(), t)
                : store.runningAverage(p.candidateId(), t);
        if (!(score < cut)) {
            return Optional.empty();
        }
        String what = compare == Compare.BEST ? "best " : "running average ";
        String of = cutoffName(percentile);
        String reason = what + Num.fmt(score) + " < " + of + Num.fmt(cut) + " of the running averages of "
                + refs.size() + (completedOnly ? " finished" : "") + " trials at epoch " + t;
        return Optional.of(new StopVerdict(p.searchId(), p.candidateId(), t, name(), reason));
    }

    /**
     * The value a candidate must reach to stay in the top {@code percentile} percent of {@code xs}: their
     * {@code (100 - percentile)}-th percentile (the median for 50).
     */
    static double cutoff(double[] xs, double percentile) {
        return percentile == DEFAULT_PERCENTILE ? Num.median(xs) : Num.percentile(xs, 100 - percentile);
    }

    /** How a reason names {@link #cutoff}: "median " or e.g. "60th percentile ". */
    static String cutoffName(double percentile) {
        return percentile == DEFAULT_PERCENTILE ? "median " : ordinal(100 - percentile) + " percentile ";
    }

    /** "75th", "1st", "22nd", "33rd", "12.5th". */
    static String ordinal(double q) {
        String n = Num.fmt(q);
        if (q != Math.rint(q)) {
            return n + "th";
        }
        long k = (long) q;
        if (k % 100 >= 11 && k % 100 <= 13) {
            return n + "th";
        }
        return n + switch ((int) (k % 10)) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
    }

    @Override
    public String toString() {
        return "median(gracePeriod=" + gracePeriod + ", minTrials=" + minTrials + ", completedOnly=" + completedOnly
                + ", percentile=" + Num.fmt(percentile) + ", compare=" + compare.spec() + ")";
    }
}
