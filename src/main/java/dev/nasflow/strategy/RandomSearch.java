package dev.nasflow.strategy;

import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random search: uniformly random architectures at {@code maxEpochs}, never the same one twice while unseen ones
 * remain; exhausted once every architecture of the space has been proposed. Ignores observations (a warm start puts
 * the priors of another task first, see {@link #warmStart}).
 */
public final class RandomSearch implements Strategy {
    /** {@code random}: uniform sampling, no parameters. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("random",
            (ctx, p, predictor) -> new RandomSearch(ctx));

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final int epochs;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    /** Warm start: priors from another task, best first, evaluated before any random architecture. */
    private final java.util.ArrayDeque<Genome> first = new java.util.ArrayDeque<>();
    private boolean exhausted;

    public RandomSearch(StrategyContext ctx) {
        this.ctx = ctx;
        this.space = ctx.space();
        this.epochs = ctx.maxEpochs();
        this.rng = new Random(ctx.seed());
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n && !exhausted) {
            Genome g = Unseen.seededOrRandom(first, space, rng, proposed);
            if (g == null) {
                exhausted = true;
                break;
            }
            proposed.add(g);
            out.add(new Proposal(g, epochs));
        }
        return out;
    }

    /**
     * Random search learns nothing from results, so it uses priors only up front: architectures measured on this task
     * are never proposed again, and priors from another task are evaluated here first, best first (their ranking is
     * the only thing used), before uniformly random architectures.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                proposed.add(p.genome());
            }
        }
        for (Prior p : Prior.ranked(ctx, priors, true)) {
            if (!proposed.contains(p.genome())) {
                first.addLast(p.genome());
            }
        }
    }

    @Override
    public void observe(Observation observation) {
        // Random search does not learn from results.
    }

    @Override
    public boolean exhausted() {
        return exhausted || Unseen.allSeen(space, proposed);
    }
}
