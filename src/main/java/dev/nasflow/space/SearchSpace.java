package dev.nasflow.space;

import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A discrete search space: a list of {@link Decision}s, a validity rule over their combinations, a canonical string per
 * architecture, an analytic cost model and encodings for predictors. Implementations are immutable and deterministic:
 * every random operation takes the caller's {@link Random}, so a seeded caller (a workflow) gets the same answers.
 */
public interface SearchSpace {
    /** Short identifier stored in every genome of this space (e.g. {@code nb201}). */
    String id();

    List<Decision> decisions();

    /** Number of valid architectures (exact; may be huge). */
    java.math.BigInteger size();

    /** Reasons this genome is not a valid member of the space; empty when it is valid. */
    List<String> violations(Genome genome);

    default boolean isValid(Genome genome) {
        return violations(genome).isEmpty();
    }

    /** Canonical string: equal for equal architectures, parseable by {@link #parse(String)}. */
    String canonical(Genome genome);

    /** Inverse of {@link #canonical(Genome)}; throws {@link IllegalArgumentException} naming the bad part. */
    Genome parse(String canonical);

    /** A stable, platform-independent hash for de-duplication (hex, 16 chars, from the canonical string). */
    default String hash(Genome genome) {
        return Hashing.sha256Hex16(id() + ":" + canonical(genome));
    }

    /** A uniformly random valid architecture. */
    Genome random(Random rng);

    /** Change exactly one decision to a different option; the result is always valid. */
    Genome mutate(Genome genome, Random rng);

    /** Uniform crossover of two parents; the result is always valid. */
    Genome crossover(Genome a, Genome b, Random rng);

    /** Every valid architecture, in a fixed order (for grid search). */
    Iterator<Genome> enumerate();

    /** One-hot encoding of the choices (length = sum of option counts). */
    double[] oneHot(Genome genome);

    /** Path encoding (White et al., BANANAS): one bit per input→output path of ops; spaces without paths fall back to one-hot. */
    double[] pathEncoding(Genome genome);

    /** Parameters and FLOPs of the full network built from this genome for the given input. */
    Cost cost(Genome genome, InputShape input);
}
