package dev.nasflow.bench;

import dev.nasflow.nb201.SimulatedClock;
import dev.nasflow.nb201.Nb201Dataset;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.space.Genome;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Prior;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Warm start on NAS-Bench-201, simulated on the tables ({@code nasflow bench warm-start}): a search on a target data
 * set (CIFAR-100, ImageNet16-120) warm-started from a finished CIFAR-10 search, against the same search cold, seed
 * by seed, with the pick scored at fractions of the protocol budget.
 *
 * <p>Per seed s: the source search ({@code sourceStrategy}, seed s + 1,000,000) runs the published CIFAR-10 protocol
 * (12-epoch CIFAR-10 validation accuracy, 12,000 simulated seconds); its results become the priors, all transferred
 * (another data set: used for ranking only), the best {@code top} of them. The target search (each strategy, seed s)
 * then runs cold and warm-started ({@link Strategy#warmStart}) on the target's 12-epoch validation accuracy
 * ({@code cifar100-val}, {@code imagenet-val}; only 12-epoch figures ship for those data sets), paying the shipped
 * CIFAR-10 {@code train-all-time × 12/200} simulated seconds per evaluation (the only timing shipped). At each budget
 * fraction (the evaluation crossing it counts, as in {@link BenchRunner}) the pick is the best validation accuracy
 * this search measured so far (priors never count) and its score the 12-epoch test accuracy ({@code cifar100-test},
 * {@code imagenet-test}). Each run depends only on its seed; the thread count never changes the numbers.
 */
public final class WarmStartBench {
    /** Budget fractions reported. */
    public static final double[] FRACTIONS = {0.25, 0.5, 1.0};
    static final long SOURCE_SEED_OFFSET = 1_000_000L;

    private final StrategyFactory factory;

    public WarmStartBench(StrategyFactory factory) {
        this.factory = factory;
    }

    /**
     * @param strategies    target strategies (each run cold and warm)
     * @param datasets      target data sets (not CIFAR-10)
     * @param sourceStrategy strategy of the finished CIFAR-10 search
     * @param runs          seeds per strategy, data set and mode
     * @param top           best source results used as priors
     */
    public record Config(List<String> strategies, List<Nb201Dataset> datasets, String sourceStrategy, int runs,
                         long seed, double budgetSeconds, int top, int threads) {
        public Config {
            strategies = List.copyOf(strategies);
            datasets = List.copyOf(datasets);
            if (strategies.isEmpty()) {
                throw new IllegalArgumentException("--strategies: name at least one strategy, e.g. rea,bananas,random");
            }
            if (datasets.isEmpty() || datasets.contains(Nb201Dataset.CIFAR10)) {
                throw new IllegalArgumentException("--datasets: the targets are cifar100 and/or imagenet16-120 (the "
                        + "source search is on cifar10)");
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs: need at least 1, got " + runs);
            }
            if (!(budgetSeconds > 0) || Double.isInfinite(budgetSeconds)) {
                throw new IllegalArgumentException("--budget-seconds: must be a positive number, got " + budgetSeconds);
            }
            if (top < 1) {
                throw new IllegalArgumentException("--top: need at least 1, got " + top);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads: need at least 1, got " + threads);
            }
        }
    }

    /** One target run: the pick's test and validation accuracy and the evaluations spent, per fraction. */
    record Run(double[] test, double[] valid, int[] evaluations) {
    }

    public Map<String, Object> run(Config config) {
        long t0 = System.nanoTime();
        Nb201Table source = Nb201Table.cifar10();
        Map<Nb201Dataset, Nb201Table> targets = new LinkedHashMap<>();
        for (Nb201Dataset d : config.datasets()) {
            targets.put(d, Nb201Table.shippedTwelveEpoch(d));
        }
        int threads = Math.min(config.threads(), config.runs());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "nasflow-warm-bench");
            t.setDaemon(true);
            return t;
        });
        // per seed: the priors of its finished CIFAR-10 search, then every target run of that seed
        List<Future<Map<String, Run>>> futures = new ArrayList<>();
        try {
            for (int r = 0; r < config.runs(); r++) {
                long seed = config.seed() + r;
                futures.add(pool.submit(() -> {
                    List<Prior> priors = sourcePriors(source, config, seed);
                    Map<String, Run> out = new LinkedHashMap<>();
                    out.put("#source", new Run(new double[0], new double[0], new int[] {priors.size()}));
                    for (Map.Entry<Nb201Dataset, Nb201Table> t : targets.entrySet()) {
                        for (String s : config.strategies()) {
                            out.put(t.getKey().id() + "/" + s + "/cold",
                                    target(t.getValue(), s, seed, config.budgetSeconds(), null));
                            out.put(t.getKey().id() + "/" + s + "/warm",
                                    target(t.getValue(), s, seed, config.budgetSeconds(),
                                            priors.subList(0, Math.min(config.top(), priors.size()))));
                        }
                    }
                    return out;
                }));
            }
            List<Map<String, Run>> all = new ArrayList<>();
            for (Future<Map<String, Run>> f : futures) {
                all.add(f.get());
            }
            return report(config, targets, all, (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The finished CIFAR-10 search of a seed: every result, best 12-epoch validation accuracy first. */
    List<Prior> sourcePriors(Nb201Table table, Config config, long seed) {
        SimulatedClock clock = new SimulatedClock();
        TableTrainer tt = new TableTrainer(table, clock);
        Strategy s = factory.create(config.sourceStrategy(), context(seed + SOURCE_SEED_OFFSET));
        List<Prior> out = new ArrayList<>();
        while (!clock.reached(config.budgetSeconds()) && !s.exhausted()) {
            List<Proposal> ps = s.propose(1);
            if (ps.isEmpty()) {
                break;
            }
            Proposal p = ps.get(0);
            Map<String, Double> m = tt.evaluate(p.genome(), p.epochs());
            s.observe(new Observation(p.genome(), p.epochs(), m, Outcome.COMPLETED));
            out.add(new Prior(p.genome(), p.epochs(), m, Outcome.COMPLETED, true));
        }
        out.sort(Comparator.comparingDouble((Prior p) -> -p.metrics().get("validAccuracy")));
        return out;
    }

    private static StrategyContext context(long seed) {
        return new StrategyContext(Nb201Table.space(), BenchRunner.OBJECTIVES, seed, Map.of(), Nb201Table.LOW_EPOCHS,
                Nb201Table.LOW_EPOCHS);
    }

    /** One search on a target table, cold ({@code priors == null}) or warm-started. */
    Run target(Nb201Table table, String strategy, long seed, double budget, List<Prior> priors) {
        SimulatedClock clock = new SimulatedClock();
        TableTrainer tt = new TableTrainer(table, clock);
        Strategy s = factory.create(strategy, context(seed));
        if (priors != null) {
            s.warmStart(priors);
        }
        double[] test = new double[FRACTIONS.length];
        double[] valid = new double[FRACTIONS.length];
        int[] evals = new int[FRACTIONS.length];
        int next = 0;
        Genome best = null;
        double bestValid = Double.NEGATIVE_INFINITY;
        int n = 0;
        while (next < FRACTIONS.length) {
            if (s.exhausted()) {
                break;
            }
            List<Proposal> ps = s.propose(1);
            if (ps.isEmpty()) {
                break;
            }
            Proposal p = ps.get(0);
            Map<String, Double> m = tt.evaluate(p.genome(), p.epochs());
            n++;
            double v = m.get("validAccuracy");
            if (v > bestValid) {
                bestValid = v;
                best = p.genome();
            }
            s.observe(new Observation(p.genome(), p.epochs(), m, Outcome.COMPLETED));
            while (next < FRACTIONS.length && clock.reached(budget * FRACTIONS[next])) {
                int i = table.require(Nb201Table.index(best));
                test[next] = table.test12(i);
                valid[next] = table.valid12(i);
                evals[next] = n;
                next++;
            }
        }
        for (; next < FRACTIONS.length; next++) { // ended early (exhausted): the final pick stands
            int i = table.require(Nb201Table.index(best));
            test[next] = table.test12(i);
            valid[next] = table.valid12(i);
            evals[next] = n;
        }
        return new Run(test, valid, evals);
    }

    private static Map<String, Object> report(Config c, Map<Nb201Dataset, Nb201Table> targets,
                                              List<Map<String, Run>> all, double wall) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "warm-start");
        m.put("simulation", "NAS-Bench-201 tables: search on the target's 12-epoch validation accuracy, pick scored by "
                + "its 12-epoch test accuracy; cost = shipped CIFAR-10 train-all-time x 12/200 per evaluation");
        m.put("sourceStrategy", c.sourceStrategy());
        m.put("sourceDataset", "cifar10 (cifar10-val, 12 epochs)");
        double[] sourceEvals = all.stream().mapToDouble(x -> x.get("#source").evaluations()[0]).toArray();
        m.put("sourceEvaluationsMean", Stats.round(Stats.mean(sourceEvals), 1));
        m.put("top", c.top());
        m.put("runs", c.runs());
        m.put("seeds", c.seed() + ".." + (c.seed() + c.runs() - 1));
        m.put("budgetSeconds", c.budgetSeconds());
        m.put("fractions", FRACTIONS);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<Nb201Dataset, Nb201Table> t : targets.entrySet()) {
            Nb201Table table = t.getValue();
            double optimum = Double.NEGATIVE_INFINITY;
            double optimumTest = Double.NaN;
            for (int i : table.indices()) {
                if (table.valid12(i) > optimum) {
                    optimum = table.valid12(i);
                    optimumTest = table.test12(i);
                }
            }
            for (String s : c.strategies()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("dataset", t.getKey().id());
                row.put("searchColumn", t.getKey().valid12Column());
                row.put("scoreColumn", t.getKey().test12Column());
                row.put("strategy", s);
                row.put("bestValid", Stats.round(optimum, 3));
                row.put("testOfBestValid", Stats.round(optimumTest, 3));
                for (String mode : List.of("cold", "warm")) {
                    List<Map<String, Object>> fr = new ArrayList<>();
                    for (int k = 0; k < FRACTIONS.length; k++) {
                        final int kk = k;
                        String key = t.getKey().id() + "/" + s + "/" + mode;
                        double[] test = all.stream().mapToDouble(x -> x.get(key).test()[kk]).toArray();
                        double[] evals = all.stream().mapToDouble(x -> x.get(key).evaluations()[kk]).toArray();
                        double[] valid = all.stream().mapToDouble(x -> x.get(key).valid()[kk]).toArray();
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("fraction", FRACTIONS[k]);
                        f.put("mean", Stats.round(Stats.mean(test), 3));
                        f.put("std", Stats.round(Stats.std(test), 3));
                        f.put("min", Stats.round(java.util.Arrays.stream(test).min().orElse(Double.NaN), 3));
                        f.put("max", Stats.round(java.util.Arrays.stream(test).max().orElse(Double.NaN), 3));
                        f.put("evaluations", Stats.round(Stats.mean(evals), 1));
                        f.put("validMean", Stats.round(Stats.mean(valid), 3));
                        fr.add(f);
                    }
                    row.put(mode, fr);
                }
                // seed by seed: warm at 50 % minus cold at 100 % (same seed, same source search)
                String warmKey = t.getKey().id() + "/" + s + "/warm";
                String coldKey = t.getKey().id() + "/" + s + "/cold";
                double[] diff = all.stream().mapToDouble(x -> x.get(warmKey).test()[1] - x.get(coldKey).test()[2])
                        .toArray();
                double d = Stats.mean(diff);
                double se = diff.length > 1 ? Stats.std(diff) * Math.sqrt(diff.length / (diff.length - 1.0))
                        / Math.sqrt(diff.length) : Double.NaN;
                row.put("warmAtHalfReachesColdAtFull", d >= 0);
                row.put("warmHalfMinusColdFull", Stats.round(d, 3));
                row.put("warmHalfMinusColdFullSe", Stats.round(se, 3));
                rows.add(row);
            }
        }
        m.put("results", rows);
        m.put("wallSeconds", Stats.round(wall, 2));
        m.put("threads", c.threads());
        return m;
    }
}
