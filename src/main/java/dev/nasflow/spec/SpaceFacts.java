package dev.nasflow.spec;

import dev.nasflow.space.SpaceSpec;
import dev.nasflow.space.Cost;
import dev.nasflow.space.InputShape;

import java.math.BigInteger;
import java.util.Optional;

/**
 * What {@link SpecValidator} needs to know about a search space to catch impossible specs cheaply: its size (grid
 * search over a huge space) and the cheapest network in it (a {@code params} / {@code flops} constraint no network can
 * meet). Empty answers mean "not cheaply known" and skip the check.
 */
public interface SpaceFacts {
    /** Number of architectures in the space, when known. */
    Optional<BigInteger> size(SpaceSpec space);

    /**
     * The smallest parameter count and the smallest FLOPs (each minimised on its own) of any network of the space
     * for this input, at width multiplier 1, when cheaply known.
     */
    Optional<Cost> minCost(SpaceSpec space, InputShape input);
}
