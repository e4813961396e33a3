package dev.nasflow.strategy;

import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Drawing architectures that a strategy has not proposed yet, uniformly, without looping forever. */
final class Unseen {
    /** Rejection sampling gives up after this many draws and falls back to enumerating the rest. */
    private static final int DRAWS = 256;
    /** Spaces up to this size may be enumerated to find the last unseen architectures. */
    static final BigInteger ENUMERABLE = BigInteger.valueOf(2_000_000);

    private Unseen() {
    }

    /**
     * The first of {@code seeds} (warm-start priors, best first) not in {@code seen}, taken off the queue, or else a
     * uniformly random unseen architecture ({@link #random}); null when the space is exhausted.
     */
    static Genome seededOrRandom(java.util.Deque<Genome> seeds, SearchSpace space, Random rng, Set<Genome> seen) {
        while (!seeds.isEmpty()) {
            Genome s = seeds.pollFirst();
            if (!seen.contains(s)) {
                return s;
            }
        }
        return random(space, rng, seen);
    }

    /** Whether every architecture of the space is in {@code seen}. */
    static boolean allSeen(SearchSpace space, Set<Genome> seen) {
        return space.size().compareTo(BigInteger.valueOf(seen.size())) <= 0;
    }

    /**
     * A uniformly random valid architecture not in {@code seen}, or null when the space is exhausted (or, for spaces too
     * large to enumerate, when thousands of draws found nothing new, which does not happen in practice).
     */
    static Genome random(SearchSpace space, Random rng, Set<Genome> seen) {
        if (allSeen(space, seen)) {
            return null;
        }
        for (int i = 0; i < DRAWS; i++) {
            Genome g = space.random(rng);
            if (!seen.contains(g)) {
                return g;
            }
        }
        if (space.size().compareTo(ENUMERABLE) > 0) {
            for (int i = 0; i < 64 * DRAWS; i++) {
                Genome g = space.random(rng);
                if (!seen.contains(g)) {
                    return g;
                }
            }
            return null;
        }
        List<Genome> rest = new ArrayList<>();
        for (Iterator<Genome> it = space.enumerate(); it.hasNext(); ) {
            Genome g = it.next();
            if (!seen.contains(g)) {
                rest.add(g);
            }
        }
        return rest.isEmpty() ? null : rest.get(rng.nextInt(rest.size()));
    }
}
