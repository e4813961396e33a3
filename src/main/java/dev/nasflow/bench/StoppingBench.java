package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.space.Genome;
import dev.nasflow.stopping.NoStopping;
import dev.nasflow.stopping.PredictionSource;
import dev.nasflow.stopping.StoppingRule;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.stopping.StoppingSimulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What early stopping saves on the NAS-Bench-201 table ({@code nasflow bench stopping}): populations of random cells
 * trained "to 200 epochs" on their learning curves ({@link TableTrainer#curve}: the tabulated figures at 12 and 200
 * epochs, <b>modelled</b> between them and below 12, see {@link LearningCurve}) through {@link StoppingSimulator} with
 * each rule, {@code concurrency} candidates at a time.
 *
 * <p>Equal budget = the same candidates: every rule sees the same population in the same order. Per rule: epochs spent
 * (against {@code none}, which trains everything to 200), the pick (the best finished candidate's 200-epoch validation
 * accuracy, a tabulated figure) and its gap to {@code none}'s pick. Besides, for each stopping rule, {@code none} given
 * only the epochs that rule spent ({@code equalEpochsNone}): how good a pick training fewer candidates fully gets.
 */
public final class StoppingBench {
    /** A named rule configuration: {@code rule} with {@code params} (null = the rule's defaults). */
    public record RuleConfig(String label, String rule, Map<String, Object> params) {
        public RuleConfig {
            StoppingRules.validate(rule, params);
            if ("pareto".equalsIgnoreCase(rule.trim())) {
                throw new IllegalArgumentException("--rule " + label + "=" + rule + ": the pareto rule needs a cost "
                        + "objective besides accuracy; benchmark it with 'nasflow bench mo-stopping'");
            }
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        StoppingRule create(PredictionSource source) {
            return StoppingRules.create(rule, params, source);
        }
    }

    /**
     * Default comparison: none, ASHA and median stopping with their defaults, ASHA judging at epoch 12 only, and two
     * documented variants of the median rule: {@code medianAvg} (compare=average: the candidate's own running average
     * against the others') and {@code median25} (percentile=25: Optuna's PercentilePruner keeping the top quarter).
     * The variants' parameters are principled settings, not values fitted to this benchmark's reported seeds.
     */
    public static List<RuleConfig> defaultRules() {
        return List.of(
                new RuleConfig("none", "none", null),
                new RuleConfig("asha", "asha", null),
                new RuleConfig("median", "median", null),
                // one rung, at the tabulated 12 epochs: keeps the top 1/17 (decisions on real figures only)
                new RuleConfig("asha12", "asha", Map.of("minEpochs", 12, "eta", 17)),
                new RuleConfig("medianAvg", "median", Map.of("compare", "average")),
                new RuleConfig("median25", "median", Map.of("percentile", 25)));
    }

    /**
     * Replay comparison (recorded curves): none, asha, median and its two variants, the curve rule and the surrogate
     * rule, all with their defaults; and {@code surrogateRungs2} (surrogate gracePeriod=2, rungs=true,
     * confidence=0.99: successive halving from epoch 2 besides the prediction criterion) with {@code ashaMin2} (asha
     * minEpochs=2: the same rungs ranked by value, no prediction), to show what the predictions add to the rungs.
     */
    public static List<RuleConfig> replayRules() {
        return List.of(
                new RuleConfig("none", "none", null),
                new RuleConfig("asha", "asha", null),
                new RuleConfig("ashaMin2", "asha", Map.of("minEpochs", 2)),
                new RuleConfig("median", "median", null),
                new RuleConfig("medianAvg", "median", Map.of("compare", "average")),
                new RuleConfig("median25", "median", Map.of("percentile", 25)),
                new RuleConfig("curve", "curve", null),
                new RuleConfig("surrogate", "surrogate", null),
                new RuleConfig("surrogateRungs2", "surrogate",
                        Map.of("gracePeriod", 2, "rungs", true, "confidence", 0.99)));
    }

    /**
     * @param candidates  candidates per population (random cells, drawn with replacement like random search; with
     *                    recorded curves: that many of the file's architectures, without replacement, in a random
     *                    order per run)
     * @param epochs      epochs of a full training (1..200; 200 = the tabulated final figure; with recorded curves:
     *                    at most the file's shortest curve)
     * @param concurrency candidates trained at the same time
     * @param runs        populations (run i draws with seed {@code seed + i})
     * @param curves      a recorded-curves file to replay instead of the modelled NB201 curves (null: NB201)
     * @param metric      with {@code curves}: the per-epoch metric the rules watch (losses are minimised)
     * @param priors      with {@code curves}: recorded-curves files of earlier searches on the same task (space,
     *                    recipe, data and epochs as {@code curves}) whose final values pre-train the simulated
     *                    surrogate's architecture model and whose curves its learning-curve model, as a warm start
     *                    from a search the surrogate service followed pre-trains the service's (empty: none)
     */
    public record Config(int candidates, int epochs, int concurrency, int runs, long seed, List<RuleConfig> rules,
                         Path curves, String metric, List<Path> priors) {
        public Config(int candidates, int epochs, int concurrency, int runs, long seed, List<RuleConfig> rules) {
            this(candidates, epochs, concurrency, runs, seed, rules, null, null, null);
        }

        public Config(int candidates, int epochs, int concurrency, int runs, long seed, List<RuleConfig> rules,
                      Path curves, String metric) {
            this(candidates, epochs, concurrency, runs, seed, rules, curves, metric, null);
        }

        public Config {
            priors = priors == null ? List.of() : List.copyOf(priors);
            if (!priors.isEmpty() && curves == null) {
                throw new IllegalArgumentException("--priors applies to --curves only (the priors pre-train the "
                        + "surrogate on recorded curves of the same task); add --curves FILE or leave --priors out");
            }
            int maxEpochs = curves == null ? Nb201Table.FULL_EPOCHS : 100_000;
            if (candidates < 2 || epochs < 2 || epochs > maxEpochs || concurrency < 1 || runs < 1) {
                throw new IllegalArgumentException("need --candidates >= 2, --epochs in 2.." + maxEpochs
                        + ", --concurrency >= 1 and --runs >= 1");
            }
            if (metric == null || metric.isBlank()) {
                metric = "validAccuracy";
            }
            if (rules == null || rules.isEmpty() || !rules.get(0).rule().equals("none")) {
                throw new IllegalArgumentException("rules: the first rule must be 'none' (the reference)");
            }
            rules = List.copyOf(rules);
        }
    }

    /** One population's outcome for one rule. */
    record Outcome(long epochsSpent, double pick, int stopped, int finished, double trueBest, double equalEpochsPick) {
    }

    private final TableTrainer trainer;

    public StoppingBench(Nb201Table table) {
        this.trainer = new TableTrainer(table);
    }

    /** The population of run {@code seed}: random cells with their whole curves (1..epochs). */
    public List<StoppingSimulator.Candidate> population(int n, int epochs, long seed) {
        Random rnd = new Random(seed);
        List<StoppingSimulator.Candidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int idx;
            do {
                idx = rnd.nextInt(Nb201Table.CELLS);
            } while (!trainer.table().contains(idx));
            Genome g = Nb201Table.genome(idx);
            double[] curve = new double[epochs];
            for (int e = 1; e <= epochs; e++) {
                curve[e - 1] = trainer.curve(g, e);
            }
            out.add(new StoppingSimulator.Candidate("c" + i, Integer.toString(idx), curve));
        }
        return out;
    }

    /** Run {@code seed}'s population from recorded curves: a random order of the file's architectures. */
    static List<StoppingSimulator.Candidate> population(RecordedCurves file, int n, int epochs, String metric,
                                                        long seed, Map<String, double[]> encodings) {
        List<RecordedCurves.Curve> all = new ArrayList<>(file.curves());
        java.util.Collections.shuffle(all, new Random(seed));
        boolean minimise = metric.endsWith("Loss");
        List<StoppingSimulator.Candidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RecordedCurves.Curve rc = all.get(i);
            double[] v = rc.values(metric, epochs);
            if (minimise) {
                for (int e = 0; e < v.length; e++) {
                    v[e] = -v[e];
                }
            }
            String id = "c" + i;
            encodings.put(id, rc.encoding());
            out.add(new StoppingSimulator.Candidate(id, rc.archHash(), v));
        }
        return out;
    }

    /** Checks a replay configuration against its file: clear errors naming the flag. */
    static RecordedCurves load(Config c) {
        RecordedCurves file = RecordedCurves.read(c.curves());
        if (c.epochs() > file.minEpochs()) {
            throw new IllegalArgumentException("--epochs " + c.epochs() + ": the shortest curve of " + c.curves()
                    + " has " + file.minEpochs() + " epochs; use --epochs " + file.minEpochs() + " or fewer");
        }
        if (c.candidates() > file.curves().size()) {
            throw new IllegalArgumentException("--candidates " + c.candidates() + ": " + c.curves() + " holds "
                    + file.curves().size() + " curves; use --candidates " + file.curves().size() + " or fewer");
        }
        boolean hasMetric = file.curves().stream().allMatch(k -> !k.epochs().isEmpty()
                && k.epochs().get(0).containsKey(c.metric()));
        if (!hasMetric) {
            throw new IllegalArgumentException("--metric " + c.metric() + ": not recorded for every curve of "
                    + c.curves() + " (its first epoch has " + file.curves().get(0).epochs().get(0).keySet() + ")");
        }
        return file;
    }

    /** Header fields that must match for a prior file to be the same task as the replayed one. */
    static final List<String> SAME_TASK = List.of("space", "recipe", "data", "trainer", "epochs");

    /**
     * The same-task priors of {@code c} for {@code file}: each prior file's curves up to epoch {@code c.epochs()} (and
     * their final value; oriented like the replay), one per architecture, leaving out every architecture of the replayed
     * file (its final would leak into the prediction of that very candidate). Priors of another task (space, recipe,
     * data, trainer or epochs differ from the replayed file's header) are refused with the field that differs, as the
     * surrogate service skips a warm start's transferred priors.
     */
    static Priors priors(Config c, RecordedCurves file) {
        return priors(c.priors(), c.curves(), file, c.epochs(), c.metric());
    }

    /** {@link #priors(Config, RecordedCurves)} for any bench replaying {@code file} ({@code curves}) to {@code epochs}. */
    static Priors priors(List<Path> priorFiles, Path curves, RecordedCurves file, int epochs, String metric) {
        java.util.Set<String> own = new java.util.HashSet<>();
        file.curves().forEach(k -> own.add(k.archHash()));
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<SimSurrogate.Prior> out = new ArrayList<>();
        int sameArch = 0;
        int repeated = 0;
        boolean minimise = metric.endsWith("Loss");
        for (Path f : priorFiles) {
            RecordedCurves pf = RecordedCurves.read(f, "--priors");
            for (String key : SAME_TASK) {
                com.fasterxml.jackson.databind.JsonNode a = file.header().get(key);
                com.fasterxml.jackson.databind.JsonNode b = pf.header().get(key);
                if (!java.util.Objects.equals(a, b)) {
                    throw new IllegalArgumentException("--priors " + f + ": recorded on another task than --curves "
                            + curves + " (header field '" + key + "': " + b + " there, " + a + " here); priors "
                            + "must share the space, recipe, data, trainer and epochs (a schedule of another length "
                            + "ends elsewhere), as the surrogate service uses only a warm start's same-task priors");
                }
            }
            if (pf.minEpochs() < epochs) {
                throw new IllegalArgumentException("--priors " + f + ": its shortest curve has " + pf.minEpochs()
                        + " epochs, fewer than --epochs " + epochs);
            }
            for (RecordedCurves.Curve k : pf.curves()) {
                if (k.archHash() == null || k.encoding() == null || k.encoding().length == 0) {
                    throw new IllegalArgumentException("--priors " + f + ": curve " + k.arch() + " has no archHash "
                            + "or encoding; record the file with 'nasflow bench record-curves', which writes them");
                }
                double v = k.values(metric, epochs)[epochs - 1];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("--priors " + f + ": curve " + k.arch() + " has no "
                            + metric + " at epoch " + epochs);
                }
                if (own.contains(k.archHash())) {
                    sameArch++;
                } else if (!seen.add(k.archHash())) {
                    repeated++;
                } else {
                    double[] curve = k.values(metric, epochs).clone();
                    for (int e = 0; e < curve.length && minimise; e++) {
                        curve[e] = -curve[e];
                    }
                    out.add(new SimSurrogate.Prior(k.archHash(), k.encoding(), minimise ? -v : v, curve));
                }
            }
        }
        return new Priors(List.copyOf(out), sameArch, repeated);
    }

    /** Priors used, and those left out (an architecture of the replayed file; an architecture seen before). */
    record Priors(List<SimSurrogate.Prior> used, int sameArchitecture, int repeated) {
        static final Priors NONE = new Priors(List.of(), 0, 0);

        /** The report's {@code priors} entry: the files, how many priors were used and how many left out. */
        Map<String, Object> report(List<Path> files) {
            Map<String, Object> pr = new LinkedHashMap<>();
            pr.put("files", files.stream().map(Path::toString).toList());
            pr.put("used", used.size());
            pr.put("leftOutSameArchitecture", sameArchitecture);
            pr.put("leftOutRepeated", repeated);
            return pr;
        }
    }

    public Map<String, Object> run(Config c) {
        long t0 = System.nanoTime();
        RecordedCurves file = c.curves() == null ? null : load(c);
        Priors priors = file == null || c.priors().isEmpty() ? Priors.NONE : priors(c, file);
        Map<String, List<Outcome>> byRule = new LinkedHashMap<>();
        c.rules().forEach(r -> byRule.put(r.label(), new ArrayList<>()));
        StoppingSimulator unlimited = new StoppingSimulator(c.concurrency(), 0);
        // Kendall tau of predicted vs true final values per epoch of observation, per run (a no-stopping pass)
        boolean predicting = c.rules().stream().anyMatch(r -> r.rule().equals("curve") || r.rule().equals("surrogate"));
        Map<String, List<double[]>> tauRuns = new LinkedHashMap<>();
        tauRuns.put("surrogate", new ArrayList<>());
        tauRuns.put("curve", new ArrayList<>());
        tauRuns.put("lastObserved", new ArrayList<>());
        for (int run = 0; run < c.runs(); run++) {
            Map<String, double[]> encodings = new java.util.HashMap<>();
            List<StoppingSimulator.Candidate> pop = file == null
                    ? population(c.candidates(), c.epochs(), c.seed() + run)
                    : population(file, c.candidates(), c.epochs(), c.metric(), c.seed() + run, encodings);
            if (predicting) {
                Map<String, double[]> tau = taus(pop, c, encodings, c.seed() + run, priors.used());
                tauRuns.get("surrogate").add(tau.get("surrogate"));
                tauRuns.get("curve").add(tau.get("curve"));
                tauRuns.get("lastObserved").add(tau.get("lastObserved"));
            }
            for (RuleConfig rc : c.rules()) {
                StoppingSimulator.Result res;
                if (rc.rule().equals("surrogate")) {
                    SimSurrogate sim = new SimSurrogate(encodings, SURROGATE_RETRAIN_EVERY, c.seed() + run, null,
                            priors.used());
                    res = unlimited.run(pop, rc.create(sim), sim);
                } else {
                    res = unlimited.run(pop, rc.create(PredictionSource.none()));
                }
                double equal = Double.NaN;
                if (!rc.rule().equals("none")) {
                    StoppingSimulator.Result none = new StoppingSimulator(c.concurrency(), res.epochsSpent())
                            .run(pop, NoStopping.INSTANCE);
                    equal = none.pickValue();
                }
                byRule.get(rc.label()).add(new Outcome(res.epochsSpent(), res.pickValue(), res.stopped(),
                        res.finished(), res.trueBestValue(), equal));
            }
        }
        List<Outcome> none = byRule.get(c.rules().get(0).label());
        double noneEpochs = Stats.mean(none.stream().mapToDouble(Outcome::epochsSpent).toArray());
        Map<String, Object> out = new LinkedHashMap<>();
        if (file == null) {
            out.put("protocol", String.format(Locale.ROOT, "%d populations of %d random NB201 cells (seeds %d..%d), "
                            + "each trained to %d epochs on its learning curve, %d at a time; curves: tabulated 12- and "
                            + "200-epoch CIFAR-10 validation accuracy, modelled (log-linear) between them and below "
                            + "12; the pick (best finished candidate) is scored by its tabulated %d-epoch figure",
                    c.runs(), c.candidates(), c.seed(), c.seed() + c.runs() - 1, c.epochs(), c.concurrency(),
                    c.epochs()));
            out.put("curves", "modelled NB201");
        } else {
            out.put("protocol", String.format(Locale.ROOT, "%d populations (seeds %d..%d): %d of the %d recorded "
                            + "curves of %s in a random order, replayed to %d epochs, %d at a time; the rules watch "
                            + "%s; the pick (best finished candidate) is scored by its recorded epoch-%d value",
                    c.runs(), c.seed(), c.seed() + c.runs() - 1, c.candidates(), file.curves().size(), c.curves(),
                    c.epochs(), c.concurrency(), c.metric(), c.epochs()));
            out.put("curves", c.curves().toString());
            out.put("curvesHeader", file.header());
            if (!c.priors().isEmpty()) {
                Map<String, Object> pr = priors.report(c.priors());
                pr.put("how", "warm start on the same task: before each run the simulated surrogate's architecture "
                        + "model is trained on these final values (epoch " + c.epochs() + ") and its learning-curve "
                        + "model on their curves (epochs 1-" + c.epochs() + ", each with an out-of-fold "
                        + "architecture prior), as the surrogate service's are on a warm start from a search it "
                        + "followed (from a results file or a search it did not follow: final values only); "
                        + "architectures of the replayed file are left out (their finals would leak)");
                out.put("priors", pr);
            }
        }
        Map<String, Object> rules = new LinkedHashMap<>();
        for (RuleConfig rc : c.rules()) {
            List<Outcome> os = byRule.get(rc.label());
            double[] epochs = os.stream().mapToDouble(Outcome::epochsSpent).toArray();
            double[] picks = os.stream().mapToDouble(Outcome::pick).toArray();
            double[] gaps = new double[os.size()];
            double[] regret = new double[os.size()];
            for (int i = 0; i < os.size(); i++) {
                gaps[i] = none.get(i).pick() - os.get(i).pick();
                regret[i] = os.get(i).trueBest() - os.get(i).pick();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rc.rule());
            m.put("params", new LinkedHashMap<>(rc.params()));
            m.put("epochsSpentMean", Stats.round(Stats.mean(epochs), 1));
            m.put("epochsFull", (long) c.candidates() * c.epochs());
            m.put("fewerEpochsFactor", Stats.round(noneEpochs / Stats.mean(epochs), 3));
            m.put("stoppedMean", Stats.round(os.stream().mapToDouble(Outcome::stopped).average().orElse(0), 2));
            m.put("finishedMean", Stats.round(os.stream().mapToDouble(Outcome::finished).average().orElse(0), 2));
            m.put("pickMean", Stats.round(Stats.mean(picks), 4));
            m.put("pickStd", Stats.round(Stats.std(picks), 4));
            m.put("pickGapToNoneMean", Stats.round(Stats.mean(gaps), 4));
            m.put("pickGapToNoneMax", Stats.round(max(gaps), 4));
            m.put("regretMean", Stats.round(Stats.mean(regret), 4));
            if (!rc.rule().equals("none")) {
                double[] eq = os.stream().mapToDouble(Outcome::equalEpochsPick).toArray();
                m.put("equalEpochsNonePickMean", Stats.round(nanMean(eq), 4));
                m.put("goalMet", noneEpochs / Stats.mean(epochs) >= 3.0 && Stats.mean(gaps) <= 0.1);
            }
            rules.put(rc.label(), m);
        }
        out.put("rules", rules);
        Map<String, Object> taus = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> e : predicting ? tauRuns.entrySet()
                : java.util.Set.<Map.Entry<String, List<double[]>>>of()) {
            Map<String, Object> byEpoch = new LinkedHashMap<>();
            for (int ep = 1; ep < c.epochs(); ep++) {
                double[] xs = new double[e.getValue().size()];
                for (int r = 0; r < xs.length; r++) {
                    xs[r] = e.getValue().get(r)[ep];
                }
                double m = nanMean(xs);
                byEpoch.put(Integer.toString(ep), Double.isNaN(m) ? null : Stats.round(m, 3));
            }
            taus.put(e.getKey(), byEpoch);
        }
        if (predicting) {
            out.put("kendallTau", taus);
            out.put("kendallTauProtocol", KENDALL_PROTOCOL);
        }
        out.put("goal", ">= 3x fewer epochs than none, pick within 0.1 points of none's (mean over populations)");
        out.put("wallSeconds", Stats.round((System.nanoTime() - t0) / 1e9, 2));
        return out;
    }

    static final String KENDALL_PROTOCOL = "per epoch of observation e: Kendall tau-b between each candidate's "
            + "predicted final value after epoch e and its true final value, in a no-stopping pass (every candidate "
            + "reaches every epoch; the surrogate learns from the candidates finished by then, as live), mean over "
            + "runs; null where no prediction exists (the curve rule fits from 3 epochs on; the surrogate predicts "
            + "once a candidate with the same target finished); lastObserved: the value observed at epoch e taken as the "
            + "prediction, on the candidates the surrogate predicted (the baseline a learning-curve model should beat)";

    /** Finished candidates between fits of the simulated surrogate's architecture model. */
    static final int SURROGATE_RETRAIN_EVERY = 5;

    /**
     * Tau per epoch (index = epoch, 1..T-1) of the surrogate's and the curve rule's predicted final values against the
     * true ones, from a no-stopping pass over {@code pop}.
     */
    static Map<String, double[]> taus(List<StoppingSimulator.Candidate> pop, Config c, Map<String, double[]> enc,
                                      long seed, List<SimSurrogate.Prior> priors) {
        int t = c.epochs();
        List<List<double[]>> sur = new ArrayList<>();
        List<List<double[]>> cur = new ArrayList<>();
        List<List<double[]>> last = new ArrayList<>();
        for (int e = 0; e <= t; e++) {
            sur.add(new ArrayList<>());
            cur.add(new ArrayList<>());
            last.add(new ArrayList<>());
        }
        SimSurrogate sim = new SimSurrogate(enc, SURROGATE_RETRAIN_EVERY, seed, (cand, epoch, predicted) -> {
            sur.get(epoch).add(new double[] {predicted, cand.finalValue()});
            // the baseline on the same candidates: the value observed at that epoch taken as the final one
            last.get(epoch).add(new double[] {cand.curve()[epoch - 1], cand.finalValue()});
        }, priors);
        StoppingSimulator.Listener both = new StoppingSimulator.Listener() {
            @Override
            public void started(StoppingSimulator.Candidate cand) {
                sim.started(cand);
            }

            @Override
            public void epoch(StoppingSimulator.Candidate cand, dev.nasflow.stopping.CurvePoint p) {
                sim.epoch(cand, p);
                int e = p.epoch();
                if (e >= 3 && e < t) {
                    double[] curve = cand.curve();
                    double[] xs = new double[e];
                    double[] ys = new double[e];
                    double best = Double.NEGATIVE_INFINITY;
                    int k = 0;
                    for (int i = 0; i < e; i++) {
                        if (Double.isFinite(curve[i])) {
                            xs[k] = i + 1;
                            ys[k++] = curve[i];
                            best = Math.max(best, curve[i]);
                        }
                    }
                    if (k >= 3) {
                        double pred = Math.max(dev.nasflow.stopping.CurveExtrapolationRule.fit(
                                java.util.Arrays.copyOf(xs, k), java.util.Arrays.copyOf(ys, k)).predict(t), best);
                        cur.get(e).add(new double[] {pred, cand.finalValue()});
                    }
                }
            }

            @Override
            public void finished(StoppingSimulator.Candidate cand) {
                sim.finished(cand);
            }
        };
        new StoppingSimulator(c.concurrency(), 0).run(pop, NoStopping.INSTANCE, both);
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("surrogate", tauByEpoch(sur, t));
        out.put("curve", tauByEpoch(cur, t));
        out.put("lastObserved", tauByEpoch(last, t));
        return out;
    }

    private static double[] tauByEpoch(List<List<double[]>> pairs, int t) {
        double[] tau = new double[t + 1];
        java.util.Arrays.fill(tau, Double.NaN);
        for (int e = 1; e < t; e++) {
            List<double[]> ps = pairs.get(e);
            if (ps.size() >= 3) {
                double[] a = new double[ps.size()];
                double[] b = new double[ps.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = ps.get(i)[0];
                    b[i] = ps.get(i)[1];
                }
                tau[e] = dev.nasflow.surrogate.RankQuality.kendallTau(a, b);
            }
        }
        return tau;
    }

    private static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** Mean over the finite values (a budget too small to finish anything leaves NaN). */
    private static double nanMean(double[] xs) {
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
}
