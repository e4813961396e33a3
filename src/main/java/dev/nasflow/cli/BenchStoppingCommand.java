package dev.nasflow.cli;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.bench.StoppingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench stopping}: epochs spent and pick quality with and without early stopping on NB201 curves. */
@Command(name = "stopping", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Early-stopping savings on the NAS-Bench-201 table: populations of random cells trained to 200 "
                + "epochs on their learning curves (tabulated at 12 and 200 epochs, modelled between them and below "
                + "12) through the stopping simulator with each rule; reports epochs spent, the pick's 200-epoch "
                + "validation accuracy and its gap to no stopping.",
                "Default rules: none, asha, median (their defaults), asha12 (asha minEpochs=12 eta=17: one rung, at "
                        + "the tabulated 12 epochs), medianAvg (median compare=average) and median25 (median "
                        + "percentile=25).",
                "With --curves FILE it replays recorded learning curves (nasflow bench record-curves) instead; default "
                        + "rules then: none, asha, ashaMin2 (asha minEpochs=2), median, medianAvg, median25, curve, "
                        + "surrogate (the surrogate service's models fed by the simulation) and surrogateRungs2 "
                        + "(surrogate gracePeriod=2, rungs=true, confidence=0.99), and it also reports, per epoch of observation, "
                        + "the Kendall tau of the curve rule's and the surrogate's predicted final values."})
public final class BenchStoppingCommand implements Callable<Integer> {
    @Mixin
    StoppingSimOptions sim;

    @Option(names = "--rule", paramLabel = "LABEL=RULE[:K=V,...]",
            description = "Rule to compare (repeatable; replaces the defaults; 'none' is always the reference), e.g. "
                    + "--rule asha=asha --rule slow=asha:minEpochs=3,eta=2.")
    List<String> rules;

    @Option(names = "--priors", paramLabel = "FILE",
            description = "With --curves: recorded curves of earlier searches on the same task (space, recipe, data, "
                    + "trainer and epochs as --curves; repeatable): before each run their final values pre-train "
                    + "the surrogate's architecture model and their curves its learning-curve model, as a warm "
                    + "start from a search the surrogate service followed does; architectures of --curves are left "
                    + "out.")
    List<Path> priors;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StoppingBench.Config config;
        Map<String, Object> report;
        try {
            if (sim.curves != null) {
                config = new StoppingBench.Config(sim.candidates(100), sim.epochs(200), sim.concurrency, sim.runs,
                        sim.seed, rules == null || rules.isEmpty() ? StoppingBench.replayRules() : parseRules(rules),
                        sim.curves, sim.metric, priors);
            } else {
                if (!"validAccuracy".equals(sim.metric)) {
                    throw new IllegalArgumentException("--metric applies to --curves only (the NB201 curves are "
                            + "validation accuracy); add --curves FILE or leave --metric out");
                }
                config = new StoppingBench.Config(sim.candidates(100), sim.epochs(200), sim.concurrency, sim.runs,
                        sim.seed, parseRules(rules), null, null, priors);
            }
            report = new StoppingBench(Nb201Table.cifar10()).run(config);
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench stopping: " + e.getMessage());
            return 2;
        }
        return BenchReports.emit(json, report);
    }

    /** {@code LABEL=RULE[:K=V,...]} items; 'none' is put first when missing. */
    static List<StoppingBench.RuleConfig> parseRules(List<String> given) {
        if (given == null || given.isEmpty()) {
            return StoppingBench.defaultRules();
        }
        List<StoppingBench.RuleConfig> out = new ArrayList<>();
        out.add(new StoppingBench.RuleConfig("none", "none", null));
        for (String item : given) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--rule '" + item + "': expected LABEL=RULE[:K=V,...], e.g. "
                        + "asha=asha:eta=3");
            }
            String label = item.substring(0, eq).trim();
            String rest = item.substring(eq + 1).trim();
            String rule = rest;
            Map<String, String> params = new LinkedHashMap<>();
            int colon = rest.indexOf(':');
            if (colon >= 0) {
                rule = rest.substring(0, colon).trim();
                for (String kv : rest.substring(colon + 1).split(",")) {
                    int e = kv.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("--rule '" + item + "': parameter '" + kv
                                + "' is not K=V");
                    }
                    params.put(kv.substring(0, e).trim(), kv.substring(e + 1).trim());
                }
            }
            if (label.equals("none")) {
                continue;
            }
            out.add(new StoppingBench.RuleConfig(label, rule, new LinkedHashMap<>(BenchCommand.parseParams(params))));
        }
        return out;
    }
}
