package dev.nasflow.strategy;

import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.surrogate.MlpEnsemble;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * BANANAS (White, Neiswanger &amp; Savani 2021): Bayesian optimisation with an ensemble of neural predictors over the path
 * encoding. The first {@code initial} proposals are random. After that, each round fits an {@link MlpEnsemble} of
 * {@code ensemble} networks on the path encodings of every observed architecture → its primary objective (oriented so
 * larger is better; failed results get the worst observed value), draws {@code candidates} distinct unevaluated
 * architectures by mutating the best {@code parents} observed ones (one or two decisions), ranks them by the
 * acquisition function and proposes the top {@code batch} of them, best first.
 *
 * <p>Acquisitions: {@code its} independent Thompson sampling (one draw from N(mean, std) per candidate), {@code ucb}
 * mean + std, {@code mean} the predicted mean. Asynchronous: before {@code initial} results have arrived it keeps
 * proposing random architectures; afterwards it never waits. Never proposes an architecture twice.
 */
public final class Bananas implements Strategy {
    /** Acquisition functions. */
    public enum Acquisition {
        ITS, UCB, MEAN;

        public static Acquisition of(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("strategy.params.acquisition: unknown acquisition '" + s
                        + "'; use one of its, ucb, mean");
            }
        }
    }

    private final StrategyContext ctx;
    private final SearchSpace space;
    private final int epochs;
    private final int initial;
    private final int ensembleSize;
    private final int candidates;
    private final Acquisition acquisition;
    private final int parents;
    private final int batch;
    private final Random rng;
    private final Set<Genome> proposed = new HashSet<>();
    /** Observed architectures → oriented primary objective (worst value for failures), in arrival order. */
    private final Map<Genome, Double> observed = new LinkedHashMap<>();
    private final Deque<Genome> ranked = new ArrayDeque<>();
    private int fits;

    public Bananas(StrategyContext ctx, int initial, int ensemble, int candidates, Acquisition acquisition,
                   int parents, int batch) {
        if (initial < 1 || ensemble < 1 || candidates < 1 || parents < 1 || batch < 1) {
            throw new IllegalArgumentException("initial, ensemble, candidates, parents and batch must be positive");
        }
        this.ctx = ctx;
        this.space = ctx.space();
        this.epochs = ctx.maxEpochs();
        this.initial = initial;
        this.ensembleSize = ensemble;
        this.candidates = candidates;
        this.acquisition = acquisition;
        this.parents = parents;
        this.batch = batch;
        this.rng = new Random(ctx.seed());
    }

    @Override
    public String name() {
        return "bananas";
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        while (out.size() < n) {
            Genome g = null;
            if (finiteObservations() >= initial) {
                while (!ranked.isEmpty() && g == null) {
                    Genome c = ranked.pollFirst();
                    if (!proposed.contains(c)) {
                        g = c;
                    }
                }
                if (g == null) {
                    rank(Math.max(batch, n - out.size()));
                    g = ranked.pollFirst();
                }
            }
            if (g == null) {
                g = Unseen.random(space, rng, proposed);
                if (g == null) {
                    break;
                }
            }
            proposed.add(g);
            out.add(new Proposal(g, epochs));
        }
        return out;
    }

    private int finiteObservations() {
        int c = 0;
        for (double v : observed.values()) {
            if (v != Fitness.WORST) {
                c++;
            }
        }
        return c;
    }

    /** Fit the ensemble on everything observed and refill the ranked candidate queue with the top {@code count}. */
    private void rank(int count) {
        ranked.clear();
        List<Genome> genomes = new ArrayList<>(observed.keySet());
        double worst = Double.POSITIVE_INFINITY;
        for (double v : observed.values()) {
            if (v != Fitness.WORST) {
                worst = Math.min(worst, v);
            }
        }
        double[][] x = new double[genomes.size()][];
        double[] y = new double[genomes.size()];
        for (int i = 0; i < genomes.size(); i++) {
            x[i] = space.pathEncoding(genomes.get(i));
            double v = observed.get(genomes.get(i));
            y[i] = v == Fitness.WORST ? worst : v;
        }
        String tf = System.getProperty("b.tf", "none");
        if (tf.equals("clip")) {
            double[] sorted = y.clone();
            java.util.Arrays.sort(sorted);
            double med = sorted[sorted.length / 2];
            for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], med);
        } else if (tf.equals("clip75")) {
            double[] sorted = y.clone();
            java.util.Arrays.sort(sorted);
            double q = sorted[(int) (sorted.length * 0.75)];
            for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], q);
        } else if (tf.equals("rank")) {
            double[] sorted = y.clone();
            java.util.Arrays.sort(sorted);
            double[] r = new double[y.length];
            for (int i = 0; i < y.length; i++) { int lo = java.util.Arrays.binarySearch(sorted, y[i]); r[i] = lo; }
            for (int i = 0; i < y.length; i++) y[i] = r[i];
        } else if (tf.equals("log")) {
            double max = java.util.Arrays.stream(y).max().getAsDouble();
            for (int i = 0; i < y.length; i++) y[i] = -Math.log(max + 1 - y[i]);
        }
        MlpEnsemble model = new MlpEnsemble(ensembleSize, java.util.Arrays.stream(System.getProperty("b.h", "32x32").split("x")).mapToInt(Integer::parseInt).toArray(), Integer.getInteger("b.e", 150), Integer.getInteger("b.mb", 16), 0.01, 1e-4, rng.nextLong());
        model.fit(x, y);
        fits++;
        List<Genome> pool = candidatePool(genomes);
        if (pool.isEmpty()) {
            return;
        }
        double[] score = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            MlpEnsemble.Prediction p = model.predict(space.pathEncoding(pool.get(i)));
            score[i] = switch (acquisition) {
                case ITS -> p.mean() + p.std() * rng.nextGaussian();
                case UCB -> p.mean() + p.std();
                case MEAN -> p.mean();
            };
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i));
        for (int i = 0; i < Math.min(count, order.size()); i++) {
            ranked.addLast(pool.get(order.get(i)));
        }
    }

    /** Up to {@code candidates} distinct unproposed mutations (one or two decisions) of the best observed. */
    private List<Genome> candidatePool(List<Genome> genomes) {
        List<Genome> best = new ArrayList<>(genomes);
        best.sort(Comparator.comparingDouble((Genome g) -> -observed.get(g)));
        best = best.subList(0, Math.min(parents, best.size()));
        Set<Genome> seen = new HashSet<>();
        List<Genome> pool = new ArrayList<>();
        int tries = 0;
        while (pool.size() < candidates && tries++ < candidates * 20) {
            Genome parent = best.get(tries % best.size());
            Genome c = space.mutate(parent, rng);
            if (rng.nextDouble() < Double.parseDouble(System.getProperty("b.two", "0.5"))) {
                c = space.mutate(c, rng);
            }
            if (!proposed.contains(c) && seen.add(c)) {
                pool.add(c);
            }
        }
        return pool;
    }

    @Override
    public void observe(Observation observation) {
        double f = Fitness.primary(ctx, observation);
        observed.merge(observation.genome(), f, Math::max);
    }

    /** Number of surrogate fits so far. */
    public int fits() {
        return fits;
    }

    @Override
    public boolean exhausted() {
        return Unseen.allSeen(space, proposed);
    }
}
