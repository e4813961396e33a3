package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.surrogate.MlpEnsemble;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * BANANAS (White, Neiswanger &amp; Savani 2021): Bayesian optimisation with an ensemble of neural predictors over the
 * path encoding. The first {@code initial} proposals are random (warm-started: the best priors, see
 * {@link #warmStart}). After that, every round (each {@code batch} proposals) trains an {@link MlpEnsemble} of
 * {@code ensemble} networks on the path encodings of every observed architecture → its primary objective (oriented so
 * larger is better; failed results get the worst observed value), draws up to {@code candidates} distinct,
 * never-proposed architectures by mutating the best {@code parents} observed ones (one decision, or two with
 * probability 0.3), ranks them by the acquisition function and proposes the best.
 *
 * <p>Acquisitions: {@code its} independent Thompson sampling (one draw from N(mean, std) of the ensemble per
 * candidate), {@code ucb} mean + std, {@code mean} the predicted mean. The predictor (two hidden layers of 16 units) is
 * trained from scratch once, when the first round starts, and warm-started afterwards: each round continues training
 * for 5 epochs per new observation (at most 60), which keeps a 110-evaluation search at about 0.1 s of CPU.
 *
 * <p>Asynchronous: before {@code initial} results have arrived it keeps proposing random architectures; afterwards it
 * never waits. Never proposes an architecture twice; falls back to random architectures when no candidate is left.
 */
public final class Bananas implements Strategy {
    /** {@code bananas}: predictor-guided mutation; proposes in the Propose activity (it uses the live surrogate). */
    public static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("bananas",
                    (ctx, p, predictor) -> new Bananas(ctx, p.integer("initial"), p.integer("ensemble"),
                            p.integer("candidates"), Acquisition.of(p.text("acquisition")), p.integer("parents"),
                            p.integer("batch")).withPredictor(predictor),
                    ParamDef.integer("initial", 1, 1_000, 20, "random architectures evaluated before the predictor is"
                            + " used"),
                    ParamDef.integer("ensemble", 1, 20, 5, "networks in the predictor ensemble"),
                    ParamDef.integer("candidates", 1, 10_000, 100, "mutations of the best architectures scored per"
                            + " round"),
                    ParamDef.choice("acquisition", List.of("its", "ucb", "mean"), "its", "acquisition function:"
                            + " independent Thompson sampling, upper confidence bound (mean + std) or predicted mean"),
                    ParamDef.integer("parents", 1, 1_000, 10, "best observed architectures that candidates are mutated"
                            + " from"),
                    ParamDef.integer("batch", 1, 1_000, 1, "proposals per predictor fit (1 = refit after every"
                            + " result)"))
            .with(StrategyDescriptor.Trait.PROPOSES_IN_ACTIVITY);

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

    /** Predictor: two hidden layers of 16, trained 60 epochs from scratch once, then warm-started. */
    private static final int[] HIDDEN = {16, 16};
    private static final int FIT_EPOCHS = 60;
    /** Warm-start epochs per new observation at each refit (capped at {@link #FIT_EPOCHS}). */
    private static final int UPDATE_EPOCHS = 5;
    private static final int MINI_BATCH = 16;
    private static final double LEARNING_RATE = 0.01;
    private static final double WEIGHT_DECAY = 1e-4;
    /** Probability that a candidate gets a second mutation (edit distance 2 instead of 1). */
    private static final double SECOND_MUTATION = 0.3;

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
    private final Map<Genome, double[]> encodings = new HashMap<>();
    private int fits;
    private int observedAtLastFit;
    private MlpEnsemble model;
    /** Warm start: priors from another task, best first (ranking only; see {@link #warmStart}). */
    private final List<Prior> transferred = new ArrayList<>();
    /** Warm start: the best transferred priors, evaluated first as the initial set. */
    private final Deque<Genome> first = new ArrayDeque<>();
    private Predictor external;
    private int externalAnswers;

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

    /**
     * Consult {@code predictor} (the live surrogate service) for each candidate pool before the strategy's own
     * ensemble; when it answers null the own ensemble is used. Null = own ensemble only.
     */
    public Bananas withPredictor(Predictor predictor) {
        this.external = predictor;
        return this;
    }

    /** How many candidate pools were ranked with the external predictor's estimates. */
    public int externalAnswers() {
        return externalAnswers;
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
            if (g == null && finiteObservations() + transferred.size() >= initial) {
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

    /**
     * Fit the ensemble on everything observed (and the transferred priors, rescaled) and refill the ranked candidate
     * queue with the top {@code count}.
     */
    private void rank(int count) {
        ranked.clear();
        Map<Genome, Double> train = trainingSet();
        List<Genome> genomes = new ArrayList<>(train.keySet());
        if (!transferred.isEmpty()) { // with priors in the set, this search's own measurements weigh double
            for (Genome g : train.keySet()) {
                if (observed.containsKey(g)) {
                    genomes.add(g);
                }
            }
        }
        double[][] x = new double[genomes.size()][];
        double[] y = new double[genomes.size()];
        for (int i = 0; i < genomes.size(); i++) {
            x[i] = encoding(genomes.get(i));
            y[i] = train.get(genomes.get(i));
        }
        List<Genome> pool;
        double[] mean;
        double[] std;
        List<Predictor.Estimate> estimates = null;
        if (external != null) {
            pool = candidatePool(train);
            estimates = pool.isEmpty() ? null : external.predict(pool);
        } else {
            pool = null;
        }
        if (estimates != null && estimates.size() == pool.size()) {
            externalAnswers++;
            mean = new double[pool.size()];
            std = new double[pool.size()];
            for (int i = 0; i < pool.size(); i++) {
                // the service predicts the metric itself; orient it like the observations (larger is better)
                mean[i] = ctx.primary().direction().oriented(estimates.get(i).mean());
                std[i] = estimates.get(i).std();
            }
        } else {
            fit(x, y);
            if (pool == null) {
                pool = candidatePool(train);
            }
            mean = new double[pool.size()];
            std = new double[pool.size()];
            for (int i = 0; i < pool.size(); i++) {
                MlpEnsemble.Prediction p = model.predict(space.pathEncoding(pool.get(i)));
                mean[i] = p.mean();
                std[i] = p.std();
            }
        }
        if (pool.isEmpty()) {
            return;
        }
        double[] score = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            score[i] = switch (acquisition) {
                case ITS -> mean[i] + std[i] * rng.nextGaussian();
                case UCB -> mean[i] + std[i];
                case MEAN -> mean[i];
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

    private void fit(double[][] x, double[] y) {
        int fresh = observed.size() - observedAtLastFit;
        observedAtLastFit = observed.size();
        if (model == null) {
            model = new MlpEnsemble(ensembleSize, HIDDEN, FIT_EPOCHS, MINI_BATCH, LEARNING_RATE, WEIGHT_DECAY,
                    rng.nextLong());
            model.fit(x, y);
        } else {
            model.update(x, y, Math.min(FIT_EPOCHS, UPDATE_EPOCHS * Math.max(1, fresh)));
        }
        fits++;
    }

    private double[] encoding(Genome g) {
        return encodings.computeIfAbsent(g, space::pathEncoding);
    }

    /**
     * What the predictor learns from: every observed architecture → its oriented primary objective (failures: the
     * worst observed value), and the transferred priors not observed here (pre-training: {@link #rank} gives this
     * search's own measurements double weight; they stay in the training set, outweighed as this search's results
     * accumulate). A prior's value is not comparable with this search's, so it enters mapped onto this search's scale
     * ({@link #priorScale}).
     */
    private Map<Genome, Double> trainingSet() {
        Map<Genome, Double> train = new LinkedHashMap<>();
        double worst = Double.POSITIVE_INFINITY;
        int n = 0;
        for (double v : observed.values()) {
            if (v != Fitness.WORST) {
                worst = Math.min(worst, v);
                n++;
            }
        }
        for (Map.Entry<Genome, Double> e : observed.entrySet()) {
            if (e.getValue() != Fitness.WORST) {
                train.put(e.getKey(), e.getValue());
            } else if (n > 0) {
                train.put(e.getKey(), worst);
            }
        }
        if (!transferred.isEmpty()) {
            double[] ab = priorScale();
            for (Prior p : transferred) {
                if (!observed.containsKey(p.genome())) {
                    train.put(p.genome(), ab[0] + ab[1] * Prior.fitness(ctx, p));
                }
            }
        }
        return train;
    }

    /**
     * The map {@code a + b·prior} from a transferred prior's value onto this search's: the least-squares line through
     * the architectures both measured (this search evaluates the best priors first), its slope clamped at zero (a
     * transfer that does not rank is flattened, not inverted); with fewer than three of them (or no spread), the
     * priors' z-score mapped onto the mean and spread of this search's finite results (the priors' own scale while
     * fewer than two exist): the ranking of the priors, not their values.
     */
    private double[] priorScale() {
        double sx = 0;
        double sy = 0;
        int k = 0;
        List<double[]> pairs = new ArrayList<>();
        for (Prior p : transferred) {
            Double y = observed.get(p.genome());
            if (y != null && y != Fitness.WORST) {
                double x = Prior.fitness(ctx, p);
                pairs.add(new double[] {x, y});
                sx += x;
                sy += y;
                k++;
            }
        }
        if (k >= 3) {
            double mx = sx / k;
            double my = sy / k;
            double sxx = 0;
            double sxy = 0;
            for (double[] xy : pairs) {
                sxx += (xy[0] - mx) * (xy[0] - mx);
                sxy += (xy[0] - mx) * (xy[1] - my);
            }
            if (sxx > 1e-12) {
                double b = Math.max(0, sxy / sxx);
                return new double[] {my - b * mx, b};
            }
        }
        double pm = 0;
        double ps = 0;
        for (Prior p : transferred) {
            pm += Prior.fitness(ctx, p);
        }
        pm /= transferred.size();
        for (Prior p : transferred) {
            double d = Prior.fitness(ctx, p) - pm;
            ps += d * d;
        }
        ps = Math.sqrt(ps / transferred.size());
        if (!(ps > 1e-12)) {
            ps = 1;
        }
        double mean = pm;
        double std = ps;
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (double v : observed.values()) {
            if (v != Fitness.WORST) {
                sum += v;
                sq += v * v;
                n++;
            }
        }
        if (n >= 2) {
            mean = sum / n;
            std = Math.sqrt(Math.max(0, sq / n - mean * mean));
            if (!(std > 1e-12)) {
                std = ps;
            }
        }
        return new double[] {mean - std * pm / ps, std / ps};
    }

    /**
     * Up to {@code candidates} distinct unproposed candidates: the best {@code parents} of the training set that this
     * search has not proposed (transferred priors, to be evaluated here), then mutations (one or two decisions) of
     * them.
     */
    private List<Genome> candidatePool(Map<Genome, Double> train) {
        List<Genome> best = new ArrayList<>(train.keySet());
        // observed ones by their own value (failures last), priors by their rescaled one
        best.sort(Comparator.comparingDouble((Genome g) -> -observed.getOrDefault(g, train.get(g))));
        best = best.subList(0, Math.min(parents, best.size()));
        Set<Genome> seen = new HashSet<>();
        List<Genome> pool = new ArrayList<>();
        for (Genome g : best) {
            if (pool.size() < candidates && !observed.containsKey(g) && !proposed.contains(g) && seen.add(g)) {
                pool.add(g);
            }
        }
        int tries = 0;
        while (pool.size() < candidates && tries++ < candidates * 20) {
            Genome parent = best.get(tries % best.size());
            Genome c = space.mutate(parent, rng);
            if (rng.nextDouble() < SECOND_MUTATION) {
                c = space.mutate(c, rng);
            }
            if (!proposed.contains(c) && seen.add(c)) {
                pool.add(c);
            }
        }
        return pool;
    }

    /**
     * Priors measured on this task join the observations (never proposed again) and count towards {@code initial}.
     * The rest of the initial set is the best priors from another task, best first, evaluated here (results of this
     * search, counted in its budget) instead of random architectures. All transferred priors also pre-train the
     * predictor, mapped onto this search's scale by the line through the priors it evaluated ({@link #priorScale}),
     * with this search's own results weighing double; the unevaluated ones stay candidates and parents of the
     * candidate pool. With more than {@code initial} transferred priors the predictor already ranks while the initial
     * set is still in flight.
     */
    @Override
    public void warmStart(List<Prior> priors) {
        for (Prior p : priors) {
            if (!p.transferred()) {
                observe(p.observation());
                proposed.add(p.genome());
            }
        }
        transferred.addAll(Prior.ranked(ctx, priors, true));
        first.addAll(Prior.toEvaluate(ctx, priors, Math.max(0, initial - finiteObservations())));
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
