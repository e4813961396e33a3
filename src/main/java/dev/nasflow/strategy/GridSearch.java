package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.space.Decision;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Grid search: every architecture of the space exactly once, at {@code maxEpochs}, in {@link SearchSpace#enumerate()}
 * order, or (param {@code shuffle}) in a seeded random order. Shuffled spaces of up to two million architectures are
 * materialised and shuffled; larger ones walk a seeded pseudo-random permutation of the decision product (a Feistel
 * network with cycle walking), skipping invalid combinations, so nothing is materialised. {@link #exhausted()} turns true
 * once the last architecture has been proposed.
 */
public final class GridSearch implements Strategy {
    /** {@code grid}: every architecture once (the validator bounds the space's size). */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("grid",
                    (ctx, p, predictor) -> new GridSearch(ctx, p.bool("shuffle")),
                    ParamDef.bool("shuffle", false, "visit the architectures in a seeded random order instead of"
                            + " enumeration order"))
            .with(StrategyDescriptor.Trait.ENUMERATES_SPACE);

    /** Largest product of option counts that a shuffled grid can permute without materialising. */
    static final BigInteger MAX_PERMUTABLE = BigInteger.ONE.shiftLeft(62);

    private final int epochs;
    private final Iterator<Genome> order;
    /** Warm start: architectures priors measured on this task, skipped. */
    private final java.util.Set<Genome> skip = new java.util.HashSet<>();
    private Genome peeked;

    public GridSearch(StrategyContext ctx, boolean shuffle) {
        SearchSpace space = ctx.space();
        this.epochs = ctx.maxEpochs();
        if (!shuffle) {
            this.order = space.enumerate();
        } else if (space.size().compareTo(Unseen.ENUMERABLE) <= 0) {
            List<Genome> all = new ArrayList<>();
            space.enumerate().forEachRemaining(all::add);
            Collections.shuffle(all, new Random(ctx.seed()));
            this.order = all.iterator();
        } else {
            BigInteger product = BigInteger.ONE;
            for (Decision d : space.decisions()) {
                product = product.multiply(BigInteger.valueOf(d.size()));
            }
            if (product.compareTo(MAX_PERMUTABLE) > 0) {
                throw new IllegalArgumentException("strategy.params.shuffle: the space has " + product
                        + " combinations, too many to shuffle; set strategy.params.shuffle to false (enumeration order)"
                        + " or use strategy.type 'random' instead");
            }
            this.order = new PermutedProduct(space, product.longValueExact(), ctx.seed());
        }
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n && advance()) {
            out.add(new Proposal(peeked, epochs));
            peeked = null;
        }
        return out;
    }

    /** Moves {@link #peeked} to the next architecture not to skip; false at the end. */
    private boolean advance() {
        while (peeked == null && order.hasNext()) {
            Genome g = order.next();
            if (!skip.contains(g)) {
                peeked = g;
            }
        }
        return peeked != null;
    }

    /**
     * Grid search learns nothing from results: it only skips the architectures that priors measured on this task
     * already evaluated. Priors from another task are ignored.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                skip.add(p.genome());
            }
        }
    }

    @Override
    public void observe(Observation observation) {
        // Grid search does not learn from results.
    }

    @Override
    public boolean exhausted() {
        return !advance();
    }

    /** Valid genomes of a product space in the order of a seeded permutation of their mixed-radix indices. */
    static final class PermutedProduct implements Iterator<Genome> {
        private static final int ROUNDS = 6;
        private final SearchSpace space;
        private final int[] radix;
        private final long size;
        private final int halfBits;
        private final long halfMask;
        private final long[] keys = new long[ROUNDS];
        private final long domain;
        private long counter;
        private Genome next;

        PermutedProduct(SearchSpace space, long size, long seed) {
            this.space = space;
            this.radix = space.decisions().stream().mapToInt(Decision::size).toArray();
            this.size = size;
            int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
            if ((bits & 1) == 1) {
                bits++;
            }
            this.halfBits = bits / 2;
            this.halfMask = (1L << halfBits) - 1;
            this.domain = 1L << bits;
            Random r = new Random(seed);
            for (int i = 0; i < ROUNDS; i++) {
                keys[i] = r.nextLong();
            }
            advance();
        }

        private long permute(long x) {
            long left = x >>> halfBits;
            long right = x & halfMask;
            for (int i = 0; i < ROUNDS; i++) {
                long f = mix(right ^ keys[i]) & halfMask;
                long t = left ^ f;
                left = right;
                right = t;
            }
            return (left << halfBits) | right;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }

        private void advance() {
            next = null;
            while (counter < domain) {
                long idx = permute(counter++);
                if (idx >= size) {
                    continue;
                }
                int[] c = new int[radix.length];
                for (int i = radix.length - 1; i >= 0; i--) {
                    c[i] = (int) (idx % radix[i]);
                    idx /= radix[i];
                }
                Genome g = new Genome(space.id(), c);
                if (space.isValid(g)) {
                    next = g;
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Genome next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Genome out = next;
            advance();
            return out;
        }
    }
}
