package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.space.Genome;
import dev.nasflow.stopping.NoStopping;
import dev.nasflow.stopping.PredictionSource;
import dev.nasflow.stopping.StoppingRule;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.stopping.StoppingSimulator;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Pareto;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Multi-objective early stopping, simulated ({@code nasflow bench mo-stopping}): searches for validation accuracy
 * (maximised) against parameter count (minimised) run through {@link StoppingSimulator} once without stopping and once
 * per {@code pareto} rule configuration, and compared on the epochs they trained and on the hypervolume of the front
 * of their finished candidates.
 *
 * <p>Searches: {@code random} ({@link dev.nasflow.strategy.RandomSearch}: the same candidates whatever is stopped)
 * and {@code nsga2} ({@link dev.nasflow.strategy.Nsga2}, population 20, asynchronous as in the workflow: a candidate
 * is proposed whenever a slot frees, and a stopped candidate is observed STOPPED_EARLY with its last value, so the
 * stopped search follows its own trajectory). Curves: the NAS-Bench-201 CIFAR-10 table (tabulated at 12 and 200
 * epochs, modelled between them and below 12, see {@link LearningCurve}; with {@code tabulatedOnly} only the two
 * tabulated epochs carry a value, so decisions use real figures only), or recorded real curves (random order of the
 * file's architectures; their {@code params}).
 *
 * <p>Hypervolume: per run, the front of the finished candidates, normalised by the ideal and nadir points of the
 * no-stopping run's front (accuracy and params each mapped to [0, 1], 0 = ideal), reference point (1.1, 1.1); the
 * ratio is HV(rule) / HV(none) of the same run. With the same candidates (random) it is at most 1.
 */
public final class MoStoppingBench {
    public static final List<Objective> OBJECTIVES = List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
            new Objective("params", Direction.MINIMIZE));
    public static final List<String> STRATEGIES = List.of("random", "nsga2");
    /** NSGA-II's parent population in the simulated searches. */
    static final int NSGA2_POPULATION = 20;
    static final double REFERENCE = 1.1;

    /** A {@code pareto} rule configuration: label and parameters (empty = the rule's defaults). */
    public record RuleConfig(String label, Map<String, Object> params) {
        public RuleConfig {
            params = params == null ? Map.of() : Map.copyOf(params);
            StoppingRules.validate("pareto", params);
        }

        /** With {@code estimate: surrogate}: the rule reads a simulated surrogate's predictions. */
        boolean readsPredictions() {
            Object e = params.get("estimate");
            return e != null && e.toString().trim().equalsIgnoreCase("surrogate");
        }

        StoppingRule create(String metric, PredictionSource source) {
            List<Objective> obj = List.of(new Objective(metric, metric.endsWith("Loss") ? Direction.MINIMIZE
                    : Direction.MAXIMIZE), OBJECTIVES.get(1));
            return StoppingRules.create("pareto", params, source, obj, metric);
        }
    }

    /**
     * The rule with its defaults; with confidence 1 (the largest scaled shortfall instead of the conformal quantile);
     * with finished references only (no running candidate counts as a front point); without the rank check
     * ({@code minRankTau 0}: decisions at every epoch from the grace period on); and judging by the simulated
     * surrogate's predictions ({@code estimate: surrogate}).
     */
    public static List<RuleConfig> defaultRules() {
        return List.of(new RuleConfig("pareto", Map.of()),
                new RuleConfig("pareto-confidence1", Map.of("confidence", 1.0)),
                new RuleConfig("pareto-finished", Map.of("runningReferences", false)),
                new RuleConfig("pareto-noRankCheck", Map.of("minRankTau", 0.0)),
                new RuleConfig("pareto-surrogate", Map.of("estimate", "surrogate")));
    }

    /**
     * @param candidates    candidates per search
     * @param epochs        epochs of a full training (NB201: 2..200, 200 = the tabulated figure; recorded curves: at
     *                      most the file's shortest curve)
     * @param concurrency   candidates trained at the same time
     * @param runs          searches per strategy (run i uses seed {@code seed + i})
     * @param strategies    {@code random} and/or {@code nsga2} (recorded curves: random only)
     * @param tabulatedOnly NB201: only epochs 12 and 200 carry a value (requires epochs 200)
     * @param curves        recorded curves to replay instead of NB201 (null: NB201)
     * @param metric        the per-epoch metric watched (recorded curves; NB201: validAccuracy)
     * @param scheduling    {@code async} (default: a candidate is proposed whenever a slot frees, as the workflow's
     *                      {@code budget.scheduling: async}) or {@code generational} (generations of
     *                      {@value #NSGA2_POPULATION} candidates, the next proposed once every candidate of the current
     *                      one ended, as {@code budget.scheduling: generational}; slots may idle at a generation's end)
     */
    public record Config(int candidates, int epochs, int concurrency, int runs, long seed, List<String> strategies,
                         List<RuleConfig> rules, boolean tabulatedOnly, Path curves, String metric,
                         String scheduling, List<Path> priors) {
        public static final List<String> SCHEDULING = List.of("async", "generational");

        public Config(int candidates, int epochs, int concurrency, int runs, long seed, List<String> strategies,
                      List<RuleConfig> rules, boolean tabulatedOnly, Path curves, String metric, String scheduling) {
            this(candidates, epochs, concurrency, runs, seed, strategies, rules, tabulatedOnly, curves, metric,
                    scheduling, null);
        }

        public Config(int candidates, int epochs, int concurrency, int runs, long seed, List<String> strategies,
                      List<RuleConfig> rules, boolean tabulatedOnly, Path curves, String metric) {
            this(candidates, epochs, concurrency, runs, seed, strategies, rules, tabulatedOnly, curves, metric, null);
        }

        public Config {
            scheduling = scheduling == null || scheduling.isBlank() ? "async" : scheduling;
            if (!SCHEDULING.contains(scheduling)) {
                throw new IllegalArgumentException("--scheduling " + scheduling + ": use one of " + SCHEDULING);
            }
            int maxEpochs = curves == null ? Nb201Table.FULL_EPOCHS : 100_000;
            if (candidates < 2 || epochs < 2 || epochs > maxEpochs || concurrency < 1 || runs < 1) {
                throw new IllegalArgumentException("need --candidates >= 2, --epochs in 2.." + maxEpochs
                        + ", --concurrency >= 1 and --runs >= 1");
            }
            metric = metric == null || metric.isBlank() ? "validAccuracy" : metric;
            if (curves == null && !metric.equals("validAccuracy")) {
                throw new IllegalArgumentException("--metric applies to --curves only (the NB201 curves are "
                        + "validation accuracy); add --curves FILE or leave --metric out");
            }
            strategies = strategies == null || strategies.isEmpty()
                    ? (curves == null ? STRATEGIES : List.of("random")) : List.copyOf(strategies);
            for (String s : strategies) {
                if (!STRATEGIES.contains(s)) {
                    throw new IllegalArgumentException("--strategy " + s + ": use one of " + STRATEGIES);
                }
                if (curves != null && !s.equals("random")) {
                    throw new IllegalArgumentException("--strategy " + s + ": with --curves only random applies (the "
                            + "file holds a fixed set of architectures; " + s + " proposes from the whole space)");
                }
            }
            if (tabulatedOnly && (curves != null || epochs != Nb201Table.FULL_EPOCHS)) {
                throw new IllegalArgumentException("--tabulated-only applies to the NB201 curves at --epochs "
                        + Nb201Table.FULL_EPOCHS + " (the tabulated epochs are 12 and 200)");
            }
            rules = rules == null || rules.isEmpty() ? defaultRules() : List.copyOf(rules);
            priors = priors == null ? List.of() : List.copyOf(priors);
            if (!priors.isEmpty() && curves == null) {
                throw new IllegalArgumentException("--priors applies to --curves only (the priors warm-start the "
                        + "simulated surrogate on recorded curves of the same task); add --curves FILE or leave "
                        + "--priors out");
            }
        }
    }

    /** A finished candidate's final objective vector. */
    record Point(String id, double value, double params) {
    }

    /** What one simulated search spent and found. */
    record Run(long epochs, int stopped, double stopEpochMean, List<Point> finished) {
    }

    private final TableTrainer trainer;

    public MoStoppingBench(Nb201Table table) {
        this.trainer = new TableTrainer(table);
    }

    public Map<String, Object> run(Config c) {
        long t0 = System.nanoTime();
        RecordedCurves file = null;
        if (c.curves() != null) {
            file = RecordedCurves.read(c.curves());
            checkFile(file, c);
        }
        StoppingBench.Priors priors = file == null || c.priors().isEmpty() ? StoppingBench.Priors.NONE
                : StoppingBench.priors(c.priors(), c.curves(), file, c.epochs(), c.metric());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("simulation", "yes: no training; learning curves replayed through the stopping simulator");
        out.put("protocol", protocol(c, file));
        Map<String, Object> byStrategy = new LinkedHashMap<>();
        for (String strategy : c.strategies()) {
            List<Run> none = new ArrayList<>();
            Map<String, List<Run>> byRule = new LinkedHashMap<>();
            Map<String, List<Run>> equal = new LinkedHashMap<>();
            for (RuleConfig rc : c.rules()) {
                byRule.put(rc.label(), new ArrayList<>());
                equal.put(rc.label(), new ArrayList<>());
            }
            for (int r = 0; r < c.runs(); r++) {
                long seed = c.seed() + r;
                Run base = simulate(c, file, strategy, seed, null, 0, priors.used());
                none.add(base);
                for (RuleConfig rc : c.rules()) {
                    Run run = simulate(c, file, strategy, seed, rc, 0, priors.used());
                    byRule.get(rc.label()).add(run);
                    equal.get(rc.label()).add(simulate(c, file, strategy, seed, null, run.epochs(), priors.used()));
                }
            }
            Map<String, Object> s = new LinkedHashMap<>();
            double noneEpochs = mean(none.stream().mapToDouble(Run::epochs).toArray());
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("epochsSpentMean", Stats.round(noneEpochs, 1));
            n.put("frontSizeMean", Stats.round(none.stream().mapToDouble(x -> front(x.finished).size())
                    .average().orElse(0), 2));
            s.put("none", n);
            for (RuleConfig rc : c.rules()) {
                List<Run> runs = byRule.get(rc.label());
                double[] ratio = new double[runs.size()];
                double[] eqRatio = new double[runs.size()];
                double[] recall = new double[runs.size()];
                for (int i = 0; i < runs.size(); i++) {
                    ratio[i] = hvRatio(runs.get(i), none.get(i));
                    eqRatio[i] = hvRatio(equal.get(rc.label()).get(i), none.get(i));
                    recall[i] = recall(runs.get(i), none.get(i));
                }
                double epochs = mean(runs.stream().mapToDouble(Run::epochs).toArray());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("params", new LinkedHashMap<>(rc.params()));
                m.put("epochsSpentMean", Stats.round(epochs, 1));
                m.put("fewerEpochsFactor", Stats.round(noneEpochs / epochs, 3));
                m.put("stoppedMean", Stats.round(runs.stream().mapToDouble(Run::stopped).average().orElse(0), 2));
                m.put("stopEpochMean", Stats.round(mean(runs.stream().mapToDouble(Run::stopEpochMean).toArray()), 1));
                m.put("finishedMean", Stats.round(runs.stream().mapToDouble(x -> x.finished.size()).average()
                        .orElse(0), 2));
                m.put("hvRatioMean", Stats.round(mean(ratio), 4));
                m.put("hvRatioMin", Stats.round(min(ratio), 4));
                m.put("runsWithHvRatioAtLeast099", fraction(ratio, 0.99));
                if (strategy.equals("random")) {
                    m.put("frontRecallMean", Stats.round(mean(recall), 4));
                }
                m.put("equalEpochsNoneHvRatioMean", Stats.round(mean(eqRatio), 4));
                m.put("goalMet", noneEpochs / epochs >= 3.0 && mean(ratio) >= 0.99);
                s.put(rc.label(), m);
            }
            byStrategy.put(strategy, s);
        }
        out.put("strategies", byStrategy);
        if (!c.priors().isEmpty()) {
            Map<String, Object> pr = priors.report(c.priors());
            pr.put("what", "the rules with estimate: surrogate read a simulated surrogate warm-started on these "
                    + "same-task curves (their finals pre-train its architecture model, their curves its "
                    + "learning-curve model), as the surrogate service is by a warm start from a search it followed; "
                    + "the rules with estimate: curve do not use them");
            out.put("priors", pr);
        }
        out.put("hypervolume", "per run: front of the finished candidates, accuracy and params normalised by the ideal "
                + "and nadir of the no-stopping run's front (0 = ideal, 1 = nadir), reference point (1.1, 1.1); "
                + "hvRatio = HV(rule) / HV(none) of the same seed; frontRecall (random: same candidates) = share of "
                + "the no-stopping front's candidates that the rule let finish; equalEpochsNone = no stopping given "
                + "only the epochs the rule spent (fewer candidates)");
        out.put("goal", ">= 3x fewer epochs than none with a mean hvRatio >= 0.99");
        out.put("wallSeconds", Stats.round((System.nanoTime() - t0) / 1e9, 2));
        return out;
    }

    private static String protocol(Config c, RecordedCurves file) {
        String runs = String.format(Locale.ROOT, "%d searches per strategy (seeds %d..%d) of %d candidates, %d at a "
                        + "time, each trained to %d epochs unless stopped; objectives: %s (maximised) and params "
                        + "(minimised); strategies %s; scheduling %s", c.runs(), c.seed(), c.seed() + c.runs() - 1,
                c.candidates(), c.concurrency(), c.epochs(), c.metric(), c.strategies(),
                c.scheduling().equals("async") ? "async (a candidate is proposed whenever a slot frees)"
                        : "generational (generations of " + NSGA2_POPULATION + ", the next once every candidate of "
                        + "the current one ended)");
        if (file != null) {
            return runs + "; curves: the recorded real curves of " + c.curves() + " (" + file.curves().size()
                    + " architectures, random order per seed), params from the file";
        }
        return runs + "; curves: NAS-Bench-201 CIFAR-10 validation accuracy, " + (c.tabulatedOnly()
                ? "only the tabulated 12- and 200-epoch figures (no value at other epochs: decisions at epoch 12 on "
                + "real figures)" : "tabulated at 12 and 200 epochs, modelled (log-linear) between them and below 12")
                + "; params from the cost model (CIFAR-10 input)";
    }

    private static void checkFile(RecordedCurves file, Config c) {
        if (c.epochs() > file.minEpochs()) {
            throw new IllegalArgumentException("--epochs " + c.epochs() + ": the shortest curve of " + c.curves()
                    + " has " + file.minEpochs() + " epochs; use --epochs " + file.minEpochs() + " or fewer");
        }
        if (c.candidates() > file.curves().size()) {
            throw new IllegalArgumentException("--candidates " + c.candidates() + ": " + c.curves() + " holds "
                    + file.curves().size() + " curves; use --candidates " + file.curves().size() + " or fewer");
        }
        for (RecordedCurves.Curve k : file.curves()) {
            if (Double.isNaN(k.params())) {
                throw new IllegalArgumentException("--curves " + c.curves() + ": curve " + k.arch() + " has no "
                        + "params (the cost objective); record the file with 'nasflow bench record-curves', which "
                        + "writes them");
            }
            if (k.epochs().isEmpty() || !k.epochs().get(0).containsKey(c.metric())) {
                throw new IllegalArgumentException("--metric " + c.metric() + ": not recorded for every curve of "
                        + c.curves());
            }
        }
    }

    /**
     * One search: the strategy's candidates through the simulator with the rule of {@code rc} (null: no stopping;
     * epoch budget 0 = none). A rule with {@code estimate: surrogate} reads a {@link SimSurrogate} fed by this search's
     * epochs and warm-started on {@code priors}.
     */
    Run simulate(Config c, RecordedCurves file, String strategy, long seed, RuleConfig rc, long epochBudget,
                 List<SimSurrogate.Prior> priors) {
        Map<String, double[]> encodings = new HashMap<>();
        StoppingSimulator.Source source = file != null ? fileSource(file, c, seed, encodings)
                : tableSource(c, strategy, seed);
        if (c.scheduling().equals("generational")) {
            source = generational(source, NSGA2_POPULATION);
        }
        SimSurrogate sim = rc != null && rc.readsPredictions()
                ? new SimSurrogate(encodings, StoppingBench.SURROGATE_RETRAIN_EVERY, seed, null, priors) : null;
        StoppingRule rule = rc == null ? NoStopping.INSTANCE : rc.create(c.metric(), sim);
        List<Point> finished = new ArrayList<>();
        StoppingSimulator.Listener listener = new StoppingSimulator.Listener() {
            @Override
            public void started(StoppingSimulator.Candidate cand) {
                if (sim != null) {
                    sim.started(cand);
                }
            }

            @Override
            public void epoch(StoppingSimulator.Candidate cand, dev.nasflow.stopping.CurvePoint p) {
                if (sim != null) {
                    sim.epoch(cand, p);
                }
            }

            @Override
            public void finished(StoppingSimulator.Candidate cand) {
                if (sim != null) {
                    sim.finished(cand);
                }
                finished.add(new Point(cand.id(), cand.finalValue(), cand.statics().get("params")));
            }
        };
        StoppingSimulator.Result res = new StoppingSimulator(c.concurrency(), epochBudget)
                .run(source, c.candidates(), c.epochs(), rule, listener);
        double stopEpoch = res.verdicts().stream().mapToInt(v -> v.epoch()).average().orElse(Double.NaN);
        return new Run(res.epochsSpent(), res.stopped(), stopEpoch, finished);
    }

    /**
     * Generations of {@code size}: the next generation's first candidate is asked for only once every candidate of the
     * current one ended (stopped or finished), as the workflow's generational scheduling does.
     */
    static StoppingSimulator.Source generational(StoppingSimulator.Source inner, int size) {
        return new StoppingSimulator.Source() {
            private int left;
            private int outstanding;

            @Override
            public StoppingSimulator.Candidate next() {
                if (left == 0 && outstanding == 0) {
                    left = size;
                }
                if (left == 0) {
                    return StoppingSimulator.WAIT;
                }
                StoppingSimulator.Candidate c = inner.next();
                if (c == null || c == StoppingSimulator.WAIT) {
                    return c;
                }
                left--;
                outstanding++;
                return c;
            }

            @Override
            public void ended(StoppingSimulator.Candidate c, int epochs, boolean stopped) {
                outstanding--;
                inner.ended(c, epochs, stopped);
            }
        };
    }

    private StoppingSimulator.Source fileSource(RecordedCurves file, Config c, long seed,
                                                Map<String, double[]> encodings) {
        List<RecordedCurves.Curve> all = new ArrayList<>(file.curves());
        Collections.shuffle(all, new Random(seed));
        boolean minimise = c.metric().endsWith("Loss");
        int[] next = {0};
        return () -> {
            if (next[0] >= c.candidates()) {
                return null;
            }
            int i = next[0]++;
            RecordedCurves.Curve rc = all.get(i);
            double[] v = rc.values(c.metric(), c.epochs());
            if (minimise) {
                for (int e = 0; e < v.length; e++) {
                    v[e] = -v[e];
                }
            }
            if (rc.encoding() != null) {
                encodings.put("c" + i, rc.encoding());
            }
            return new StoppingSimulator.Candidate("c" + i, rc.archHash(), v, Map.of("params", rc.params()));
        };
    }

    private StoppingSimulator.Source tableSource(Config c, String strategy, long seed) {
        Map<String, Object> params = strategy.equals("nsga2") ? Map.of("population", NSGA2_POPULATION) : Map.of();
        StrategyContext ctx = new StrategyContext(Nb201Table.space(), OBJECTIVES, seed, params, c.epochs(),
                c.epochs());
        Strategy st = Strategies.create(strategy, ctx);
        Map<String, Genome> genomes = new HashMap<>();
        int[] count = {0};
        return new StoppingSimulator.Source() {
            @Override
            public StoppingSimulator.Candidate next() {
                for (int tries = 0; tries < 1000; tries++) {
                    List<Proposal> ps = st.propose(1);
                    if (ps.isEmpty()) {
                        return null;
                    }
                    Genome g = ps.get(0).genome();
                    int idx = Nb201Table.index(g);
                    if (!trainer.table().contains(idx)) {
                        continue;
                    }
                    String id = "c" + count[0]++;
                    genomes.put(id, g);
                    double[] curve = new double[c.epochs()];
                    for (int e = 1; e <= c.epochs(); e++) {
                        boolean tabulated = e == Nb201Table.LOW_EPOCHS || e == Nb201Table.FULL_EPOCHS;
                        curve[e - 1] = c.tabulatedOnly() && !tabulated ? Double.NaN : trainer.curve(g, e);
                    }
                    double p = trainer.metrics(g, 1).get("params");
                    return new StoppingSimulator.Candidate(id, Integer.toString(idx), curve, Map.of("params", p));
                }
                return null;
            }

            @Override
            public void ended(StoppingSimulator.Candidate cand, int epochs, boolean stopped) {
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("validAccuracy", cand.at(epochs));
                m.put("params", cand.statics().get("params"));
                st.observe(new Observation(genomes.remove(cand.id()), epochs, m,
                        stopped ? Outcome.STOPPED_EARLY : Outcome.COMPLETED));
            }
        };
    }

    private static final List<Direction> MIN_MIN = List.of(Direction.MINIMIZE, Direction.MINIMIZE);

    /** The non-dominated finished points (accuracy maximised, params minimised; NaN accuracies left out). */
    static List<Point> front(List<Point> pts) {
        List<Point> ok = pts.stream().filter(p -> Double.isFinite(p.value()) && Double.isFinite(p.params())).toList();
        List<double[]> xs = ok.stream().map(p -> new double[] {p.value(), p.params()}).toList();
        List<Point> out = new ArrayList<>();
        for (int i : Pareto.nonDominated(xs, List.of(Direction.MAXIMIZE, Direction.MINIMIZE))) {
            out.add(ok.get(i));
        }
        return out;
    }

    /** HV(run) / HV(none), both normalised by the no-stopping front's ideal and nadir. */
    static double hvRatio(Run run, Run none) {
        List<Point> ref = front(none.finished);
        if (ref.isEmpty()) {
            return Double.NaN;
        }
        double vBest = Double.NEGATIVE_INFINITY;
        double vWorst = Double.POSITIVE_INFINITY;
        double pBest = Double.POSITIVE_INFINITY;
        double pWorst = Double.NEGATIVE_INFINITY;
        for (Point p : ref) {
            vBest = Math.max(vBest, p.value());
            vWorst = Math.min(vWorst, p.value());
            pBest = Math.min(pBest, p.params());
            pWorst = Math.max(pWorst, p.params());
        }
        double vSpan = vBest > vWorst ? vBest - vWorst : 1;
        double pSpan = pWorst > pBest ? pWorst - pBest : 1;
        double base = hv(ref, vBest, vSpan, pBest, pSpan);
        return hv(front(run.finished), vBest, vSpan, pBest, pSpan) / base;
    }

    private static double hv(List<Point> pts, double vBest, double vSpan, double pBest, double pSpan) {
        List<double[]> norm = new ArrayList<>();
        for (Point p : pts) {
            norm.add(new double[] {(vBest - p.value()) / vSpan, (p.params() - pBest) / pSpan});
        }
        return Pareto.hypervolume(norm, new double[] {REFERENCE, REFERENCE}, MIN_MIN);
    }

    /** Share of the no-stopping front's candidates that finished in {@code run} (same candidate ids). */
    static double recall(Run run, Run none) {
        List<Point> ref = front(none.finished);
        Set<String> got = new HashSet<>();
        run.finished.forEach(p -> got.add(p.id()));
        return ref.isEmpty() ? Double.NaN : ref.stream().filter(p -> got.contains(p.id())).count() / (double) ref.size();
    }

    private static double mean(double[] xs) {
        double s = 0;
        int n = 0;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static double min(double[] xs) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                m = Math.min(m, x);
            }
        }
        return m;
    }

    private static double fraction(double[] xs, double atLeast) {
        int n = 0;
        for (double x : xs) {
            if (x >= atLeast - 1e-12) {
                n++;
            }
        }
        return Stats.round(n / (double) xs.length, 3);
    }
}
