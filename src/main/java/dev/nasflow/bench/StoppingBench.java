package dev.nasflow.bench;

import dev.nasflow.space.Genome;
import dev.nasflow.stopping.NoStopping;
import dev.nasflow.stopping.StoppingRule;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.stopping.StoppingSimulator;

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
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        StoppingRule create() {
            return StoppingRules.create(rule, params);
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
     * @param candidates  candidates per population (random cells, drawn with replacement like random search)
     * @param epochs      epochs of a full training (1..200; 200 = the tabulated final figure)
     * @param concurrency candidates trained at the same time
     * @param runs        populations (run i draws with seed {@code seed + i})
     */
    public record Config(int candidates, int epochs, int concurrency, int runs, long seed, List<RuleConfig> rules) {
        public Config {
            if (candidates < 2 || epochs < 2 || epochs > Nb201Table.FULL_EPOCHS || concurrency < 1 || runs < 1) {
                throw new IllegalArgumentException("need --candidates >= 2, --epochs in 2.." + Nb201Table.FULL_EPOCHS
                        + ", --concurrency >= 1 and --runs >= 1");
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

    public Map<String, Object> run(Config c) {
        long t0 = System.nanoTime();
        Map<String, List<Outcome>> byRule = new LinkedHashMap<>();
        c.rules().forEach(r -> byRule.put(r.label(), new ArrayList<>()));
        StoppingSimulator unlimited = new StoppingSimulator(c.concurrency(), 0);
        for (int run = 0; run < c.runs(); run++) {
            List<StoppingSimulator.Candidate> pop = population(c.candidates(), c.epochs(), c.seed() + run);
            for (RuleConfig rc : c.rules()) {
                StoppingSimulator.Result res = unlimited.run(pop, rc.create());
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
        out.put("protocol", String.format(Locale.ROOT, "%d populations of %d random NB201 cells (seeds %d..%d), each "
                        + "trained to %d epochs on its learning curve, %d at a time; curves: tabulated 12- and "
                        + "200-epoch CIFAR-10 validation accuracy, modelled (log-linear) between them and below 12; "
                        + "the pick (best finished candidate) is scored by its tabulated %d-epoch figure",
                c.runs(), c.candidates(), c.seed(), c.seed() + c.runs() - 1, c.epochs(), c.concurrency(),
                c.epochs()));
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
        out.put("goal", ">= 3x fewer epochs than none, pick within 0.1 points of none's (mean over populations)");
        out.put("wallSeconds", Stats.round((System.nanoTime() - t0) / 1e9, 2));
        return out;
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
