package dev.nasflow.strategy;

import dev.nasflow.model.ParamValues;
import dev.nasflow.model.ParamConflict;
import dev.nasflow.model.ParamDef;
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
 * Regularized (aging) evolution, Real et al. 2019. The first {@code population} proposals are random architectures
 * (when warm-started: the best priors, see {@link #warmStart}); each later proposal samples {@code sampleSize} members
 * of the current population uniformly (without replacement), takes the one with the best primary objective and proposes
 * a one-decision mutation of it. Every observation joins the population as its youngest member and, once the population
 * exceeds {@code population}, the oldest member is removed (age, not fitness, decides who dies).
 *
 * <p>Asynchronous: {@link #propose} never waits. Before the first result arrives it proposes random architectures;
 * tournaments use whatever population has been observed so far (all of it when smaller than the sample). Children that
 * were already proposed are re-drawn (a few tries), so the search rarely pays twice for one architecture. Failed
 * observations enter the population with the worst possible fitness.
 */
public final class RegularizedEvolution implements Strategy {
    /** {@code rea}: population and tournament size; the tournament samples at most the population. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("rea",
                    (ctx, p, predictor) -> new RegularizedEvolution(ctx, p.integer("population"),
                            p.integer("sampleSize")),
                    ParamDef.integer("population", 2, 10_000, 30, "population size; the oldest member dies when a child"
                            + " arrives"),
                    ParamDef.integer("sampleSize", 1, 10_000, 10, "tournament size: members sampled to pick the parent"
                            + " (at most population)"))
            .withCheck(RegularizedEvolution::sampleWithinPopulation);

    /**
     * The tournament samples at most the whole population. Blamed on {@code sampleSize} when it was written, else on
     * {@code population} (whose value then is below the default sample).
     */
    static ParamConflict sampleWithinPopulation(ParamValues p, Set<String> written) {
        int population = p.integer("population");
        int sample = p.integer("sampleSize");
        if (sample <= population) {
            return null;
        }
        boolean sampleWritten = written.contains("sampleSize");
        return new ParamConflict(sampleWritten ? "sampleSize" : "population",
                "tournament sampleSize (" + sample + ") is larger than population (" + population + ")",
                sampleWritten ? "set sampleSize to at most " + population + " (e.g. 3), or raise population"
                        : "raise population to at least " + sample + ", or set sampleSize to at most " + population,
                "strategy.params.sampleSize: " + sample + " exceeds strategy.params.population " + population
                        + "; use a sample size of at most the population");
    }

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
    /** Warm start: the best transferred priors, evaluated first as the initial population (see {@link #warmStart}). */
    private final Deque<Genome> first = new ArrayDeque<>();

    /** A population member: an architecture measured on this search's task and its oriented primary objective. */
    record Member(Genome genome, double fitness) {
        boolean beats(Member other) {
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
        return DESCRIPTOR.name();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n) {
            Genome g;
            if (randomProposed < populationSize || population.isEmpty()) {
                g = null;
                while (g == null && !first.isEmpty()) {
                    Genome c = first.pollFirst();
                    g = proposed.contains(c) ? null : c;
                }
                if (g == null) {
                    g = Unseen.random(space, rng, proposed);
                }
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
     * The initial population comes from the priors instead of random architectures. Priors measured on this task are
     * members at once (the best {@code population} of them, the best youngest, so it lives longest) and are never
     * proposed again. The rest of the initial population is the best priors from another task, best first, evaluated
     * here (results of this search, counted in its budget); only then, with the population measured on this task,
     * do tournaments and mutations start. Random architectures fill the initial population only when the priors run
     * out. A transferred prior's value only orders the priors: it never enters a tournament.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        proposed.addAll(Prior.sameTaskGenomes(priors));
        List<Prior> same = Prior.ranked(ctx, priors, false);
        List<Prior> seed = same.subList(0, Math.min(populationSize, same.size()));
        for (int i = seed.size() - 1; i >= 0; i--) {
            Prior p = seed.get(i);
            population.addLast(new Member(p.genome(), Prior.fitness(ctx, p)));
        }
        randomProposed = seed.size();
        first.addAll(Prior.toEvaluate(ctx, priors, populationSize - seed.size()));
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
        return population.isEmpty() && first.isEmpty() && Unseen.allSeen(space, proposed);
    }
}
