package dev.nasflow.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Generic operations of a space made of independent-looking decisions plus a validity rule
 * ({@link #extraViolations(Genome)}). Random sampling is uniform over valid genomes (rejection over the product),
 * mutation changes exactly one decision, crossover is uniform per decision; all retry until valid.
 */
public abstract class AbstractSpace implements SearchSpace {
    private final String id;
    private final List<Decision> decisions;
    private final int oneHotLength;

    protected AbstractSpace(String id, List<Decision> decisions) {
        this.id = id;
        this.decisions = List.copyOf(decisions);
        if (this.decisions.isEmpty()) {
            throw new IllegalArgumentException("space '" + id + "' has no decisions");
        }
        this.oneHotLength = this.decisions.stream().mapToInt(Decision::size).sum();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<Decision> decisions() {
        return decisions;
    }

    /** Constraints beyond "each choice in range"; empty when the combination is allowed. */
    protected List<String> extraViolations(Genome genome) {
        return List.of();
    }

    /** The plain product of option counts (an upper bound of {@link #size()} when there are extra constraints). */
    public BigInteger productSize() {
        BigInteger n = BigInteger.ONE;
        for (Decision d : decisions) {
            n = n.multiply(BigInteger.valueOf(d.size()));
        }
        return n;
    }

    /** Default: the product, correct when {@link #extraViolations} is always empty; override otherwise. */
    @Override
    public BigInteger size() {
        return productSize();
    }

    @Override
    public final List<String> violations(Genome genome) {
        List<String> out = new ArrayList<>();
        if (!id.equals(genome.space())) {
            out.add("genome belongs to space '" + genome.space() + "', not '" + id + "'");
            return out;
        }
        if (genome.length() != decisions.size()) {
            out.add("genome has " + genome.length() + " choices, space '" + id + "' has " + decisions.size()
                    + " decisions");
            return out;
        }
        for (int i = 0; i < decisions.size(); i++) {
            int c = genome.choice(i);
            if (c < 0 || c >= decisions.get(i).size()) {
                out.add("decision '" + decisions.get(i).name() + "': option " + c + " out of range 0.."
                        + (decisions.get(i).size() - 1));
            }
        }
        if (out.isEmpty()) {
            out.addAll(extraViolations(genome));
        }
        return out;
    }

    protected Genome genome(int[] choices) {
        return new Genome(id, choices);
    }

    @Override
    public Genome random(Random rng) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int[] c = new int[decisions.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = rng.nextInt(decisions.get(i).size());
            }
            Genome g = genome(c);
            if (isValid(g)) {
                return g;
            }
        }
        throw new IllegalStateException("space '" + id + "': no valid architecture found in 10000 samples");
    }

    @Override
    public Genome mutate(Genome genome, Random rng) {
        requireValid(genome);
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int d = rng.nextInt(decisions.size());
            int n = decisions.get(d).size();
            if (n < 2) {
                continue;
            }
            int o = rng.nextInt(n - 1);
            if (o >= genome.choice(d)) {
                o++;
            }
            Genome m = genome.with(d, o);
            if (isValid(m)) {
                return m;
            }
        }
        // Exhaustive fallback: every single-decision neighbour, pick one valid uniformly.
        List<Genome> neighbours = neighbours(genome);
        if (neighbours.isEmpty()) {
            throw new IllegalStateException("space '" + id + "': " + canonical(genome) + " has no valid neighbour");
        }
        return neighbours.get(rng.nextInt(neighbours.size()));
    }

    /** All valid genomes that differ from this one in exactly one decision, in a fixed order. */
    public List<Genome> neighbours(Genome genome) {
        List<Genome> out = new ArrayList<>();
        for (int d = 0; d < decisions.size(); d++) {
            for (int o = 0; o < decisions.get(d).size(); o++) {
                if (o != genome.choice(d)) {
                    Genome m = genome.with(d, o);
                    if (isValid(m)) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Genome crossover(Genome a, Genome b, Random rng) {
        requireValid(a);
        requireValid(b);
        for (int attempt = 0; attempt < 100; attempt++) {
            int[] c = new int[decisions.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = rng.nextBoolean() ? a.choice(i) : b.choice(i);
            }
            Genome g = genome(c);
            if (isValid(g)) {
                return g;
            }
        }
        return rng.nextBoolean() ? a : b;
    }

    @Override
    public Iterator<Genome> enumerate() {
        return new Iterator<>() {
            private final int[] cur = new int[decisions.size()];
            private boolean exhausted = false;
            private Genome next = advanceToValid(false);

            private Genome advanceToValid(boolean step) {
                if (step && !increment()) {
                    exhausted = true;
                    return null;
                }
                while (true) {
                    Genome g = genome(cur);
                    if (isValid(g)) {
                        return g;
                    }
                    if (!increment()) {
                        exhausted = true;
                        return null;
                    }
                }
            }

            private boolean increment() {
                for (int i = cur.length - 1; i >= 0; i--) {
                    if (++cur[i] < decisions.get(i).size()) {
                        return true;
                    }
                    cur[i] = 0;
                }
                return false;
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
                next = exhausted ? null : advanceToValid(true);
                return out;
            }
        };
    }

    @Override
    public double[] oneHot(Genome genome) {
        double[] v = new double[oneHotLength];
        int off = 0;
        for (int i = 0; i < decisions.size(); i++) {
            v[off + genome.choice(i)] = 1.0;
            off += decisions.get(i).size();
        }
        return v;
    }

    @Override
    public double[] pathEncoding(Genome genome) {
        return oneHot(genome);
    }

    protected void requireValid(Genome g) {
        List<String> v = violations(g);
        if (!v.isEmpty()) {
            throw new IllegalArgumentException("invalid genome " + g + " for space '" + id + "': " + v);
        }
    }
}
