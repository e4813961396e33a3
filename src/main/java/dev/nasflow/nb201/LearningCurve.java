package dev.nasflow.nb201;


/**
 * The per-epoch accuracy model of the table trainer. The NAS-Bench-201 tables shipped here hold two real points per
 * cell: the accuracy after the 12-epoch schedule ({@code v12}) and after the 200-epoch schedule ({@code v200}). Every
 * other epoch is <b>modelled, not measured</b>:
 * <ul>
 *   <li>epoch 12 and epoch 200 return the tabulated figures exactly;</li>
 *   <li>between them, accuracy is linear in log(epochs) through (12, v12) and (200, v200):
 *       {@code v(e) = v12 + (v200 - v12) * ln(e/12) / ln(200/12)};</li>
 *   <li>below 12, the same log-linear trend is extended backwards with its slope clamped at zero
 *       ({@code v(e) = v12 - max(0, v200 - v12) * ln(12/e) / ln(200/12)}) and floored at chance accuracy
 *       (10% for CIFAR-10; or at v12 when v12 is itself below chance).</li>
 * </ul>
 * The curve is non-decreasing on 1..12 and monotone (in the direction from v12 to v200) on 12..200, so it is monotone
 * over 1..200 for every cell with v200 &gt;= v12 (all but 103 of the 15,625 CIFAR-10 cells, which are mostly broken
 * cells stuck near chance). Note that the modelled points mix in the 200-epoch figure through the slope: a search
 * that decides at epochs other than 12 and 200 sees synthetic values. Decisions at the tabulated epochs use the real
 * figures.
 */
public final class LearningCurve {
    private static final double LOG_SPAN = Math.log((double) Nb201Table.FULL_EPOCHS / Nb201Table.LOW_EPOCHS);

    private LearningCurve() {
    }

    /**
     * Modelled accuracy after {@code epoch} epochs.
     *
     * @param epoch  1..200
     * @param v12    tabulated accuracy at 12 epochs
     * @param v200   tabulated accuracy at 200 epochs (NaN when unknown: then only epoch 12 has a value)
     * @param chance chance accuracy in percent (the floor below 12 epochs)
     */
    public static double at(int epoch, double v12, double v200, double chance) {
        if (epoch < 1 || epoch > Nb201Table.FULL_EPOCHS) {
            throw new IllegalArgumentException("epoch must be in 1.." + Nb201Table.FULL_EPOCHS + ", got " + epoch);
        }
        if (epoch == Nb201Table.LOW_EPOCHS) {
            return v12;
        }
        if (epoch == Nb201Table.FULL_EPOCHS) {
            return v200;
        }
        if (Double.isNaN(v12) || Double.isNaN(v200)) {
            return Double.NaN;
        }
        if (epoch > Nb201Table.LOW_EPOCHS) {
            return v12 + (v200 - v12) * Math.log((double) epoch / Nb201Table.LOW_EPOCHS) / LOG_SPAN;
        }
        double slope = Math.max(0.0, v200 - v12) / LOG_SPAN;
        double v = v12 - slope * Math.log((double) Nb201Table.LOW_EPOCHS / epoch);
        return Math.max(Math.min(chance, v12), v);
    }
}
