package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * NSGA-II, Deb et al. 2002, over all objectives of the context (any number, each with its direction). The initial
 * population is {@code population} random architectures (warm-started: the priors' best, see {@link #warmStart}). Each
 * child comes from two binary tournaments among the parents (lower non-domination rank wins, then larger crowding
 * distance), uniform crossover of the two winners with probability {@code crossoverRate} (otherwise a copy of the
 * first), then a one-decision mutation with probability {@code mutationRate}; children already proposed are re-drawn a
 * few times. Whenever {@code population} children have been observed, parents and children are merged, sorted into
 * fronts and truncated to {@code population} members by rank and crowding distance (elitist environmental selection).
 *
 * <p>Asynchronous: {@link #propose} never waits; children are bred from the latest parent population and a generation
 * closes on the count of observed children, so late results simply join the next selection. Failed observations count
 * as worst in every objective. {@link #paretoFront()} is the non-dominated set of everything observed.
 */
public final class Nsga2 implements Strategy {
    /** {@code nsga2}: multi-objective evolution. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("nsga2",
            (ctx, p, predictor) -> new Nsga2(ctx, p.integer("population"), p.number("crossoverRate"),
                    p.number("mutationRate")),
            ParamDef.integer("population", 4, 10_000, 20, "parent population size (also the generation size)"),
            ParamDef.number("crossoverRate", 0, 1, 0.9, "probability that a child is a crossover of two parents"),
            ParamDef.number("mutationRate", 0, 1, 1.0, "probability that a child is mutated (a child equal to a"
                    + " parent always is)"));

    private static final int CHILD_TRIES = 50;

    private final SearchSpace space;
    private final List<Objective> objectives;
    private final List<Direction> directions;
    private final int epochs;
    private final int populationSize;
    private final double crossoverRate;
    private final double mutationRate;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    private final List<Observation> observed = new ArrayList<>();
    private final List<Member> pool = new ArrayList<>();
    private List<Member> parents = List.of();
    /** Warm start: priors of another task chosen as the first population, evaluated first (see {@link #warmStart}). */
    private final java.util.Deque<Genome> first = new java.util.ArrayDeque<>();
    private int generation;

    /** A population member: its raw objective values (NaN when not measured), rank and crowding distance. */
    record Member(Genome genome, double[] values, int rank, double crowding) {
    }

    public Nsga2(StrategyContext ctx, int populationSize, double crossoverRate, double mutationRate) {
        if (populationSize < 2) {
            throw new IllegalArgumentException("population must be at least 2");
        }
        this.space = ctx.space();
        this.objectives = ctx.objectives();
        this.directions = objectives.stream().map(Objective::direction).toList();
        this.epochs = ctx.maxEpochs();
        this.populationSize = populationSize;
        this.crossoverRate = crossoverRate;
        this.mutationRate = mutationRate;
        this.rng = new Random(ctx.seed());
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n) {
            Genome g = null;
            while (g == null && !first.isEmpty()) {
                Genome c = first.pollFirst();
                g = proposed.contains(c) ? null : c;
            }
            if (g == null) {
                g = parents.isEmpty() ? Unseen.random(space, rng, proposed) : child();
            }
            if (g == null) {
                break;
            }
            proposed.add(g);
            out.add(new Proposal(g, epochs));
        }
        return out;
    }

    private Genome child() {
        Genome c = null;
        for (int i = 0; i < CHILD_TRIES; i++) {
            Genome a = tournament();
            Genome b = tournament();
            c = rng.nextDouble() < crossoverRate ? space.crossover(a, b, rng) : a;
            if (rng.nextDouble() < mutationRate || c.equals(a) || c.equals(b)) {
                c = space.mutate(c, rng);
            }
            if (!proposed.contains(c)) {
                return c;
            }
        }
        return c;
    }

    private Genome tournament() {
        Member a = parents.get(rng.nextInt(parents.size()));
        Member b = parents.get(rng.nextInt(parents.size()));
        if (b.rank < a.rank || (b.rank == a.rank && b.crowding > a.crowding)) {
            return b.genome;
        }
        return a.genome;
    }

    @Override
    public void observe(Observation observation) {
        observed.add(observation);
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            double x = observation.outcome().hasMetrics() ? observation.metric(objectives.get(i).metric()) : Double.NaN;
            v[i] = Double.isFinite(x) ? x : Double.NaN;
        }
        pool.add(new Member(observation.genome(), v, 0, 0));
        if (pool.size() >= populationSize) {
            List<Member> merged = new ArrayList<>(parents);
            merged.addAll(pool);
            pool.clear();
            parents = select(merged, populationSize, directions);
            generation++;
        }
    }

    /**
     * The first population comes from the priors instead of random architectures. Priors measured on this task are
     * selected as the first parents at once (non-domination rank and crowding distance among them, every objective),
     * stay in the elitist selection like results of this search and are never proposed again. The rest of the first
     * population is selected the same way from the priors of another task and evaluated here first (results of this
     * search, counted in its budget; the first generation closes on their results); their transferred values only
     * choose them and never enter a selection.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        Set<Genome> measured = Prior.sameTaskGenomes(priors);
        proposed.addAll(measured);
        List<Member> same = new ArrayList<>();
        List<Member> other = new ArrayList<>();
        Set<Genome> seen = new HashSet<>();
        for (Prior p : priors) {
            if (!p.outcome().hasMetrics() || (p.transferred() && measured.contains(p.genome()))
                    || !seen.add(p.genome())) {
                continue;
            }
            double[] v = new double[objectives.size()];
            boolean ok = true;
            for (int i = 0; i < v.length; i++) {
                v[i] = p.metrics().getOrDefault(objectives.get(i).metric(), Double.NaN);
                ok &= Double.isFinite(v[i]);
            }
            if (ok) {
                (p.transferred() ? other : same).add(new Member(p.genome(), v, 0, 0));
            }
        }
        if (!same.isEmpty()) {
            parents = select(same, populationSize, directions);
        }
        int room = populationSize - parents.size();
        if (room > 0 && !other.isEmpty()) {
            select(other, room, directions).forEach(m -> first.addLast(m.genome()));
        }
    }

    /** Elitist NSGA-II selection: whole fronts while they fit, then the most crowded-apart of the next front. */
    static List<Member> select(List<Member> members, int size, List<Direction> directions) {
        List<double[]> points = members.stream().map(Member::values).toList();
        List<List<Integer>> fronts = Pareto.sort(points, directions);
        List<Member> out = new ArrayList<>();
        for (int rank = 0; rank < fronts.size() && out.size() < size; rank++) {
            List<Integer> front = fronts.get(rank);
            double[] crowd = Pareto.crowding(points, front, directions);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < front.size(); i++) {
                order.add(i);
            }
            if (out.size() + front.size() > size) {
                order.sort(Comparator.comparingDouble((Integer i) -> -crowd[i]).thenComparingInt(i -> i));
            }
            for (int i : order) {
                if (out.size() == size) {
                    break;
                }
                Member m = members.get(front.get(i));
                out.add(new Member(m.genome, m.values, rank, crowd[i]));
            }
        }
        return List.copyOf(out);
    }

    /** The current parent population with ranks and crowding distances (empty before the first selection). */
    List<Member> parents() {
        return parents;
    }

    /** Number of environmental selections so far. */
    public int generation() {
        return generation;
    }

    /**
     * The observations no other observation dominates, in arrival order, among those with every objective measured
     * (failed ones are left out).
     */
    public List<Observation> paretoFront() {
        List<Observation> valid = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (Observation o : observed) {
            double[] v = new double[objectives.size()];
            boolean ok = o.outcome().hasMetrics();
            for (int i = 0; i < v.length && ok; i++) {
                v[i] = o.metric(objectives.get(i).metric());
                ok = Double.isFinite(v[i]);
            }
            if (ok) {
                valid.add(o);
                points.add(v);
            }
        }
        return Pareto.nonDominated(points, directions).stream().map(valid::get).toList();
    }

    @Override
    public boolean exhausted() {
        return parents.isEmpty() && first.isEmpty() && Unseen.allSeen(space, proposed);
    }
}
