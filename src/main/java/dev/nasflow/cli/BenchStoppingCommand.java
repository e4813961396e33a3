package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.bench.Nb201Table;
import dev.nasflow.bench.StoppingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
                        + "percentile=25)."})
public final class BenchStoppingCommand implements Callable<Integer> {
    @Option(names = "--candidates", defaultValue = "100", paramLabel = "N",
            description = "Candidates per population (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--epochs", defaultValue = "200", paramLabel = "T",
            description = "Epochs of a full training (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "C",
            description = "Candidates trained at the same time (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", defaultValue = "100", paramLabel = "R",
            description = "Populations; run i uses seed S+i (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rule", paramLabel = "LABEL=RULE[:K=V,...]",
            description = "Rule to compare (repeatable; replaces the defaults; 'none' is always the reference), e.g. "
                    + "--rule asha=asha --rule slow=asha:minEpochs=3,eta=2.")
    List<String> rules;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        StoppingBench.Config config;
        try {
            config = new StoppingBench.Config(candidates, epochs, concurrency, runs, seed, parseRules(rules));
        } catch (IllegalArgumentException e) {
            System.err.println("nasflow bench stopping: " + e.getMessage());
            return 2;
        }
        Map<String, Object> report = new StoppingBench(Nb201Table.cifar10()).run(config);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(report));
        } else {
            BenchReports.print(System.out, report);
        }
        System.out.flush();
        return 0;
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
