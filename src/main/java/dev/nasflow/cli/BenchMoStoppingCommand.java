package dev.nasflow.cli;

import dev.nasflow.bench.MoStoppingBench;
import dev.nasflow.nb201.Nb201Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nasflow bench mo-stopping}: multi-objective early stopping (rule pareto), simulated. */
@Command(name = "mo-stopping", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Multi-objective early stopping, simulated (no training): searches for validation accuracy "
                + "against parameter count (random and NSGA-II on the NAS-Bench-201 CIFAR-10 table) run through the "
                + "stopping simulator without stopping and with the 'pareto' rule; reports epochs spent and the "
                + "hypervolume of the final front relative to no stopping.",
                "NB201 curves are tabulated at 12 and 200 epochs and modelled between them and below 12; "
                        + "--tabulated-only keeps the two tabulated epochs only. With --curves FILE it replays "
                        + "recorded real curves (random order of the file's architectures, their params).",
                "Default rules: pareto (its defaults), pareto-confidence1 (confidence=1), pareto-finished "
                        + "(runningReferences=false), pareto-noRankCheck (minRankTau=0) and pareto-surrogate "
                        + "(estimate=surrogate: a simulated surrogate's predictions, warm-started with --priors)."})
public final class BenchMoStoppingCommand implements Callable<Integer> {
    @Mixin
    StoppingSimOptions sim;

    @Option(names = "--strategy", paramLabel = "NAME", split = ",",
            description = "Strategies: random, nsga2 (default: both; with --curves: random).")
    List<String> strategies;

    @Option(names = "--tabulated-only",
            description = "NB201: only the tabulated epochs (12 and 200) carry a value; decisions use real figures.")
    boolean tabulatedOnly;

    @Option(names = "--rule", paramLabel = "LABEL[:K=V,...]",
            description = "A pareto rule configuration to compare (repeatable; replaces the defaults; no stopping is "
                    + "always the reference), e.g. --rule wide:margin=0.02,gracePeriod=6.")
    List<String> rules;

    @Option(names = "--scheduling", paramLabel = "MODE",
            description = "async (default: a candidate is proposed whenever a slot frees) or generational "
                    + "(generations of 20, the next once every candidate of the current one ended), as the "
                    + "workflow's budget.scheduling.")
    String scheduling;

    @Option(names = "--priors", paramLabel = "FILE",
            description = "With --curves: recorded curves of earlier searches on the same task (space, recipe, data, "
                    + "trainer and epochs as --curves; repeatable) that warm-start the simulated surrogate read by "
                    + "rules with estimate=surrogate (their finals pre-train its architecture model, their curves its "
                    + "learning-curve model); architectures of --curves are left out.")
    List<java.nio.file.Path> priors;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> report;
        try {
            MoStoppingBench.Config config = new MoStoppingBench.Config(sim.candidates(100),
                    sim.epochs(Nb201Table.FULL_EPOCHS), sim.concurrency, sim.runs, sim.seed, strategies,
                    parseRules(rules), tabulatedOnly, sim.curves, sim.metric, scheduling, priors);
            report = new MoStoppingBench(Nb201Table.cifar10()).run(config);
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench mo-stopping: " + e.getMessage());
            return 2;
        }
        return BenchReports.emit(json, report);
    }

    /** {@code LABEL[:K=V,...]} items (null: the defaults). */
    static List<MoStoppingBench.RuleConfig> parseRules(List<String> given) {
        if (given == null || given.isEmpty()) {
            return MoStoppingBench.defaultRules();
        }
        List<MoStoppingBench.RuleConfig> out = new ArrayList<>();
        for (String item : given) {
            int colon = item.indexOf(':');
            String label = (colon < 0 ? item : item.substring(0, colon)).trim();
            if (label.isEmpty()) {
                throw new IllegalArgumentException("--rule '" + item + "': expected LABEL[:K=V,...], e.g. "
                        + "wide:margin=0.02");
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (colon >= 0) {
                for (String kv : item.substring(colon + 1).split(",")) {
                    int e = kv.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("--rule '" + item + "': parameter '" + kv
                                + "' is not K=V");
                    }
                    params.put(kv.substring(0, e).trim(), kv.substring(e + 1).trim());
                }
            }
            out.add(new MoStoppingBench.RuleConfig(label, new LinkedHashMap<>(BenchCommand.parseParams(params))));
        }
        return out;
    }
}
