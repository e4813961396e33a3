package dev.nasflow.strategy;

import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Regularized (aging) evolution, Real et al. 2019. The first {@code population} proposals are random architectures; each
 * later proposal samples {@code sampleSize} members of the current population uniformly (without replacement), takes the
 * one with the best primary objective and proposes a one-decision mutation of it. Every observation joins the population
 * as its youngest member and, once the population exceeds {@code population}, the oldest member is removed (age, not
 * fitness, decides who dies).
 *
 * <p>Asynchronous: {@link #propose} never waits. Before the first result arrives it proposes random architectures;
 * tournaments use whatever population has been observed so far (all of it when smaller than the sample). Children that
 * were already proposed are re-drawn (a few tries), so the search rarely pays twice for one architecture. Failed
 * observations enter the population with the worst possible fitness.
 */
public final class RegularizedEvolution implements Strategy {
    private static final int CHILD_TRIES = 50;

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final int epochs;
    private final int populationSize;
    private final int sampleSize;
    private final Random rng;
    private final Deque<Member> population = new ArrayDeque<>();
    private final Set<Genome> proposed = new HashSet<>();
    private int randomProposed;

    /**
     * A population member; {@code measured} is false for a prior from another task (warm start), which loses every
     * tournament against a member measured on this task (its value is used for ranking among priors only).
     */
    record Member(Genome genome, double fitness, boolean measured) {
        Member(Genome genome, double fitness) {
            this(genome, fitness, true);
        }

        boolean beats(Member other) {
            if (measured != other.measured) {
                return measured;
            }
            return fitness > other.fitness;
        }
    }

    public RegularizedEvolution(StrategyContext ctx, int populationSize, int sampleSize) {
        if (populationSize < 1 || sampleSize < 1) {
            throw new IllegalArgumentException("population and sampleSize must be positive");
        }
        this.space = ctx.space();
        this.epochs = ctx.maxEpochs();
        this.populationSize = populationSize;
        this.sampleSize = sampleSize;
        this.rng = new Random(ctx.seed());
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "rea";
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n) {
            Genome g;
            if (randomProposed < populationSize || population.isEmpty()) {
                g = Unseen.random(space, rng, proposed);
                if (g == null) {
                    break;
                }
                randomProposed++;
            } else {
                g = child();
            }
            proposed.add(g);
            out.add(new Proposal(g, epochs));
        }
        return out;
    }

    private Genome child() {
        Genome parent = tournament();
        Genome c = null;
        for (int i = 0; i < CHILD_TRIES; i++) {
            c = space.mutate(parent, rng);
            if (!proposed.contains(c)) {
                return c;
            }
        }
        return c;
    }

    /** The best of {@code sampleSize} members drawn without replacement (ties: the first drawn). */
    Genome tournament() {
        List<Member> members = new ArrayList<>(population);
        int k = Math.min(sampleSize, members.size());
        Member best = null;
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(members.size() - i);
            Member m = members.get(j);
            members.set(j, members.get(i));
            members.set(i, m);
            if (best == null || m.beats(best)) {
                best = m;
            }
        }
        return best.genome;
    }

    /**
     * Seeds the population with the best {@code population} priors (the best youngest, so it lives longest) and skips
     * the random start: the first proposals are mutations of the priors' tournament winners. Architectures measured
     * on this task are never proposed again; priors from another task lose every tournament against a member
     * measured here, so they steer the search only until this search's own results replace them.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        List<Prior> best = Prior.ranked(ctx, priors, null);
        for (Prior p : priors) {
            if (!p.transferred()) {
                proposed.add(p.genome());
            }
        }
        if (best.isEmpty()) {
            return;
        }
        List<Prior> seed = best.subList(0, Math.min(populationSize, best.size()));
        for (int i = seed.size() - 1; i >= 0; i--) {
            Prior p = seed.get(i);
            population.addLast(new Member(p.genome(), Prior.fitness(ctx, p), !p.transferred()));
        }
        while (population.size() > populationSize) {
            population.removeFirst();
        }
        randomProposed = populationSize;
    }

    @Override
    public void observe(Observation observation) {
        population.addLast(new Member(observation.genome(), Fitness.primary(ctx, observation)));
        while (population.size() > populationSize) {
            population.removeFirst();
        }
    }

    /** The current population, oldest first. */
    List<Member> population() {
        return List.copyOf(population);
    }

    @Override
    public boolean exhausted() {
        return population.isEmpty() && Unseen.allSeen(space, proposed);
    }
}
