package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Local search (hill climbing with first improvement and random restarts), as in White, Nolen &amp; Hutter 2020, "Local
 * search is state of the art for NAS benchmarks". It evaluates {@code initial} random architectures and starts from the
 * best; then it evaluates the single-decision neighbours of the current architecture in random order and moves to the
 * first one that improves on it (neighbours already evaluated are not evaluated again: an already known better one is
 * moved to at once). When every neighbour has been evaluated without improvement the current architecture is a local
 * optimum and the search restarts from the best of {@code restart} new random architectures.
 *
 * <p>Asynchronous: several neighbours can be in flight at once; any result of the current climb that beats the current
 * architecture moves the climb there. It waits (proposes fewer) only while the start set of a climb is being evaluated
 * or when the last neighbours of the current architecture are still in flight. Never proposes an architecture twice;
 * failed results count as worst.
 */
public final class LocalSearch implements Strategy {
    /** {@code local}: hill climbing with random restarts. */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("local",
            (ctx, p, predictor) -> new LocalSearch(ctx, p.integer("initial"), p.integer("restart")),
            ParamDef.integer("initial", 1, 1_000, 20, "random architectures evaluated before the first climb"),
            ParamDef.integer("restart", 1, 1_000, 1, "random architectures evaluated to start each new climb after"
                    + " a local optimum"));

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final int epochs;
    private final int restart;
    private final Random rng;
    private final Map<Genome, Double> fitness = new HashMap<>();
    private final Set<Genome> proposed = new HashSet<>();
    /** In-flight proposals → the climb (trajectory number) they belong to. */
    private final Map<Genome, Integer> pending = new LinkedHashMap<>();
    private final List<Genome> localOptima = new ArrayList<>();
    private int trajectory;
    private Genome current;
    private double currentFitness;
    private final Deque<Genome> queue = new ArrayDeque<>();
    private int startSize;
    private int startProposed;
    private int startObserved;
    private Genome startBest;
    private double startBestFitness;
    /** Warm start: architectures the first climb's start set evaluates instead of random ones. */
    private final Deque<Genome> startWith = new ArrayDeque<>();
    private boolean exhausted;

    public LocalSearch(StrategyContext ctx, int initial, int restart) {
        if (initial < 1 || restart < 1) {
            throw new IllegalArgumentException("initial and restart must be positive");
        }
        this.ctx = ctx;
        this.space = ctx.space();
        this.epochs = ctx.maxEpochs();
        this.restart = restart;
        this.rng = new Random(ctx.seed());
        beginClimb(initial);
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    private void beginClimb(int size) {
        trajectory++;
        current = null;
        queue.clear();
        startSize = size;
        startProposed = 0;
        startObserved = 0;
        startBest = null;
        startBestFitness = Double.NEGATIVE_INFINITY;
    }

    private void moveTo(Genome g) {
        current = g;
        currentFitness = fitness.get(g);
        queue.clear();
        List<Genome> nb = new ArrayList<>(Neighbourhood.of(space, g));
        Collections.shuffle(nb, rng);
        queue.addAll(nb);
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n && !exhausted) {
            if (current == null) {
                if (startProposed >= startSize) {
                    break;
                }
                Genome g = startWith.isEmpty() ? Unseen.random(space, rng, proposed) : startWith.pollFirst();
                if (g == null) {
                    // Space used up: climb from what this start set got, or stop when it got nothing.
                    if (startProposed == 0) {
                        exhausted = true;
                        break;
                    }
                    startSize = startProposed;
                    if (startObserved >= startSize) {
                        moveTo(startBest);
                        continue;
                    }
                    break;
                }
                startProposed++;
                add(g, out);
                continue;
            }
            Genome next = null;
            boolean moved = false;
            while (!queue.isEmpty()) {
                Genome g = queue.pollFirst();
                Double known = fitness.get(g);
                if (known != null) {
                    if (known > currentFitness) {
                        moveTo(g);
                        moved = true;
                        break;
                    }
                    continue;
                }
                if (!proposed.contains(g)) {
                    next = g;
                    break;
                }
            }
            if (moved) {
                continue;
            }
            if (next != null) {
                add(next, out);
                continue;
            }
            if (pending.containsValue(trajectory)) {
                break;
            }
            localOptima.add(current);
            beginClimb(restart);
        }
        return out;
    }

    private void add(Genome g, List<Proposal> out) {
        proposed.add(g);
        pending.put(g, trajectory);
        out.add(new Proposal(g, epochs));
    }

    @Override
    public void observe(Observation observation) {
        Genome g = observation.genome();
        double f = Fitness.primary(ctx, observation);
        Double before = fitness.get(g);
        fitness.put(g, before == null ? f : Math.max(before, f));
        Integer t = pending.remove(g);
        if (t == null || t != trajectory) {
            return;
        }
        if (current == null) {
            startObserved++;
            if (startBest == null || f > startBestFitness) {
                startBest = g;
                startBestFitness = f;
            }
            if (startObserved >= startSize) {
                moveTo(startBest);
            }
        } else if (f > currentFitness) {
            moveTo(g);
        }
    }

    /**
     * Starts the first climb from the best prior: one measured on this task is climbed from at once (its value known,
     * no start set evaluated); otherwise the best prior from another task is the whole start set, evaluated here
     * first, and the climb starts from it. Priors measured on this task are known fitness: never evaluated again, and
     * a neighbour known to be better is moved to at once.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                double f = Prior.fitness(ctx, p);
                fitness.merge(p.genome(), f, Math::max);
                proposed.add(p.genome());
            }
        }
        List<Prior> same = Prior.ranked(ctx, priors, false);
        if (!same.isEmpty()) {
            moveTo(same.get(0).genome());
            return;
        }
        List<Prior> other = Prior.ranked(ctx, priors, true);
        if (!other.isEmpty() && !proposed.contains(other.get(0).genome())) {
            startSize = 1; // the first climb's start set: this prior alone
            startWith.add(other.get(0).genome());
        }
    }

    /** The architectures where a climb ended (no improving neighbour), in order. */
    public List<Genome> localOptima() {
        return List.copyOf(localOptima);
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }
}
