package dev.nasflow.spec;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Cost;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SpaceFacts} from the spaces available in {@code dev.nasflow.space}: the {@code nb201} and {@code cell}
 * families, built as {@link CellSpace} (for {@code cell}, unset fields take the NAS-Bench-201 values: 4 nodes, its 5
 * ops, 16 channels, 5 cells per stage, 3 stages). The cheapest network is found by enumerating spaces of at most
 * {@value #ENUMERATION_LIMIT} architectures with the space's cost model (answers are cached); other families and
 * larger spaces, or a space whose cost model is not available, answer empty.
 */
public final class DefaultSpaceFacts implements SpaceFacts {
    static final int ENUMERATION_LIMIT = 20_000;

    private final Map<String, Optional<Cost>> minCostCache = new ConcurrentHashMap<>();

    @Override
    public Optional<BigInteger> size(SpaceSpec space) {
        return build(space).map(SearchSpace::size);
    }

    @Override
    public Optional<Cost> minCost(SpaceSpec space, InputShape input) {
        return minCostCache.computeIfAbsent(space + "@" + input, k -> computeMinCost(space, input));
    }

    private Optional<Cost> computeMinCost(SpaceSpec spec, InputShape input) {
        Optional<SearchSpace> built = build(spec);
        if (built.isEmpty() || built.get().size().compareTo(BigInteger.valueOf(ENUMERATION_LIMIT)) > 0) {
            return Optional.empty();
        }
        long params = Long.MAX_VALUE;
        long flops = Long.MAX_VALUE;
        try {
            for (Iterator<Genome> it = built.get().enumerate(); it.hasNext(); ) {
                Cost c = built.get().cost(it.next(), input);
                params = Math.min(params, c.params());
                flops = Math.min(flops, c.flops());
            }
        } catch (UnsupportedOperationException e) {
            return Optional.empty(); // this space family has no cost model (yet): skip the check
        }
        return params == Long.MAX_VALUE ? Optional.empty() : Optional.of(new Cost(params, flops));
    }

    private static Optional<SearchSpace> build(SpaceSpec s) {
        if (s == null || s.type() == null) {
            return Optional.empty();
        }
        try {
            return switch (s.type()) {
                case "nb201" -> Optional.of(CellSpace.nb201());
                case "cell" -> Optional.of(new CellSpace("cell", s.nodes() == null ? 4 : s.nodes(),
                        s.ops() == null ? CellSpace.NB201_OPS : s.ops(), s.channels() == null ? 16 : s.channels(),
                        s.cellsPerStage() == null ? 5 : s.cellsPerStage(), s.stages() == null ? 3 : s.stages()));
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the schema reports the bad field
        }
    }
}
