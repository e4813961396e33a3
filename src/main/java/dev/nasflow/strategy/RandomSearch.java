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
 * remain; exhausted once every architecture of the space has been proposed. Ignores observations.
 */
public final class RandomSearch implements Strategy {
    private final SearchSpace space;
    private final int epochs;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    private boolean exhausted;

    public RandomSearch(StrategyContext ctx) {
        this.space = ctx.space();
        this.epochs = ctx.maxEpochs();
        this.rng = new Random(ctx.seed());
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n && !exhausted) {
            Genome g = Unseen.random(space, rng, proposed);
            if (g == null) {
                exhausted = true;
                break;
            }
            proposed.add(g);
            out.add(new Proposal(g, epochs));
        }
        return out;
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
