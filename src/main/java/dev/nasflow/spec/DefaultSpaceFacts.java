package dev.nasflow.spec;

import dev.nasflow.space.SpaceSpec;
import dev.nasflow.space.Cost;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SpaceFacts} from the spaces themselves ({@link Spaces#create}): the exact size of every family, and the
 * cheapest network found by enumerating spaces of at most {@value #ENUMERATION_LIMIT} architectures with the space's
 * analytic cost model (larger spaces answer empty: a greedy search would only give an upper bound, and refusing a
 * constraint needs the true minimum). Answers are cached (spaces are immutable and deterministic).
 */
public final class DefaultSpaceFacts implements SpaceFacts {
    static final int ENUMERATION_LIMIT = 20_000;
    private static final int CACHE_LIMIT = 256;
    private static final Map<String, Optional<Cost>> MIN_COST = new ConcurrentHashMap<>();

    @Override
    public Optional<BigInteger> size(SpaceSpec space) {
        return build(space).map(SearchSpace::size);
    }

    @Override
    public Optional<Cost> minCost(SpaceSpec space, InputShape input) {
        String key = space + "@" + input;
        Optional<Cost> known = MIN_COST.get(key);
        if (known != null) {
            return known;
        }
        Optional<Cost> c = computeMinCost(space, input);
        if (MIN_COST.size() >= CACHE_LIMIT) {
            MIN_COST.clear();
        }
        MIN_COST.put(key, c);
        return c;
    }

    private static Optional<Cost> computeMinCost(SpaceSpec spec, InputShape input) {
        Optional<SearchSpace> built = build(spec);
        if (built.isEmpty() || built.get().size().compareTo(BigInteger.valueOf(ENUMERATION_LIMIT)) > 0) {
            return Optional.empty();
        }
        long params = Long.MAX_VALUE;
        long flops = Long.MAX_VALUE;
        for (Iterator<Genome> it = built.get().enumerate(); it.hasNext(); ) {
            Cost c = built.get().cost(it.next(), input);
            params = Math.min(params, c.params());
            flops = Math.min(flops, c.flops());
        }
        return params == Long.MAX_VALUE ? Optional.empty() : Optional.of(new Cost(params, flops));
    }

    private static Optional<SearchSpace> build(SpaceSpec s) {
        if (s == null || s.type() == null || !Spaces.check(s).isEmpty()) {
            return Optional.empty(); // the validator reports the space's problems itself
        }
        return Optional.of(Spaces.create(s));
    }
}
