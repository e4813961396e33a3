package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.ChainSpace;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.MultiBranchSpace;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code fidelity.widthMultiplier}: the same space with every channel count (stem / initial channels, layer and
 * block widths) multiplied and rounded (at least 1), so a genome keeps its meaning (same decisions) and the cost model
 * of the scaled space gives the scaled network's exact params and FLOPs.
 */
final class ScaledSpaces {
    private ScaledSpaces() {
    }

    /** {@code space} scaled by {@code m} (itself when m = 1). */
    static SearchSpace scale(SearchSpace space, double m) {
        if (m == 1.0) {
            return space;
        }
        String id = space.id() + String.format(Locale.ROOT, "@width*%s", m);
        if (space instanceof CellSpace c) {
            return new CellSpace(id, c.nodes(), c.ops(), ch(c.initChannels(), m), c.cellsPerStage(), c.stages());
        }
        if (space instanceof DartsSpace d) {
            return new DartsSpace(id, d.nodes(), d.mixedOps(), ch(d.channels(), m), d.cellsPerStage(), d.stages());
        }
        if (space instanceof ChainSpace c) {
            return new ChainSpace(id, c.layers(), c.ops(), c.kernels(), widths(c.widths(), m, space), c.activations(),
                    c.skip(), ch(c.channels(), m), c.stages());
        }
        if (space instanceof MultiBranchSpace b) {
            return new MultiBranchSpace(id, b.blocks(), b.paths(), b.ops(), b.merge(), widths(b.widths(), m, space),
                    ch(b.channels(), m), b.stages());
        }
        throw new NonRetryableTrainingException("fidelity.widthMultiplier is not supported for space " + space.id());
    }

    /** {@code g} re-labelled for the scaled space (same choices). */
    static Genome relabel(Genome g, SearchSpace scaled) {
        return g.space().equals(scaled.id()) ? g : new Genome(scaled.id(), g.choices());
    }

    static int ch(int c, double m) {
        return Math.max(1, (int) Math.round(c * m));
    }

    private static List<Integer> widths(List<Integer> ws, double m, SearchSpace space) {
        List<Integer> out = new ArrayList<>();
        for (int w : ws) {
            int s = ch(w, m);
            if (out.contains(s)) {
                throw new NonRetryableTrainingException("fidelity.widthMultiplier " + m + " maps two widths of "
                        + ws + " in space " + space.id() + " to " + s + " (fix: use a larger multiplier or more "
                        + "distinct widths)");
            }
            out.add(s);
        }
        return out;
    }
}
