package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoStoppingBenchTest {
    static final MoStoppingBench BENCH = new MoStoppingBench(Nb201Table.cifar10());
    static final Path CURVES = Path.of("bench/curves/fmnist-small-chain.jsonl");

    @SuppressWarnings("unchecked")
    static Map<String, Object> rule(Map<String, Object> report, String strategy, String label) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) report.get("strategies"))
                .get(strategy)).get(label);
    }

    @Test
    void savesEpochsOnBothStrategiesAndReportsTheHypervolumeRatio() {
        Map<String, Object> r = BENCH.run(new MoStoppingBench.Config(40, 60, 4, 3, 1, null, null, false, null, null));
        assertTrue(((String) r.get("simulation")).startsWith("yes"), r.toString());
        for (String s : List.of("random", "nsga2")) {
            Map<String, Object> p = rule(r, s, "pareto");
            assertTrue((double) p.get("fewerEpochsFactor") > 1, s + ": " + p);
            double hv = (double) p.get("hvRatioMean");
            assertTrue(hv > 0.5 && (s.equals("nsga2") || hv <= 1.0), s + ": " + p);
        }
        // random: the same candidates with and without stopping; a stopped one never enters the front
        assertTrue((double) rule(r, "random", "pareto").get("frontRecallMean") > 0.5);
    }

    @Test
    void deterministic() {
        MoStoppingBench.Config c = new MoStoppingBench.Config(30, 40, 4, 2, 7, List.of("nsga2"), null, false, null,
                null);
        Map<String, Object> a = BENCH.run(c);
        Map<String, Object> b = BENCH.run(c);
        assertEquals(rule(a, "nsga2", "pareto"), rule(b, "nsga2", "pareto"));
    }

    @Test
    void replaysRecordedCurvesWithTheirParams() {
        Map<String, Object> r = BENCH.run(new MoStoppingBench.Config(100, 8, 8, 2, 1, null, null, false, CURVES,
                null));
        assertTrue((double) rule(r, "random", "pareto").get("fewerEpochsFactor") >= 1.0);
    }

    /**
     * Generational scheduling: no candidate of a generation starts before every candidate of the previous one ended,
     * so slots idle at a generation's end and NSGA-II breeds each generation from complete results.
     */
    @Test
    void generationalSchedulingStartsAGenerationOnlyWhenThePreviousOneEnded() {
        MoStoppingBench.Config c = new MoStoppingBench.Config(60, 40, 8, 1, 3, List.of("nsga2"), null, false, null,
                null, "generational");
        java.util.List<String> events = new java.util.ArrayList<>();
        int[] clock = {0};
        java.util.Map<String, int[]> span = new java.util.HashMap<>();
        dev.nasflow.stopping.StoppingSimulator.Source gen = MoStoppingBench.generational(
                new dev.nasflow.stopping.StoppingSimulator.Source() {
                    int n;

                    @Override
                    public dev.nasflow.stopping.StoppingSimulator.Candidate next() {
                        if (n == 60) {
                            return null;
                        }
                        double[] curve = new double[40];
                        java.util.Arrays.fill(curve, n % 7);
                        return new dev.nasflow.stopping.StoppingSimulator.Candidate("c" + n++, null, curve);
                    }

                    @Override
                    public void ended(dev.nasflow.stopping.StoppingSimulator.Candidate cand, int epochs,
                                      boolean stopped) {
                        events.add("end " + cand.id());
                    }
                }, 20);
        dev.nasflow.stopping.StoppingSimulator.Result res = new dev.nasflow.stopping.StoppingSimulator(8, 0).run(gen,
                60, 40, dev.nasflow.stopping.NoStopping.INSTANCE,
                new dev.nasflow.stopping.StoppingSimulator.Listener() {
                    @Override
                    public void started(dev.nasflow.stopping.StoppingSimulator.Candidate cand) {
                        events.add("start " + cand.id());
                    }
                });
        assertEquals(60, res.finished());
        for (int g = 1; g < 3; g++) {
            int firstStart = events.indexOf("start c" + (20 * g));
            for (int i = 20 * (g - 1); i < 20 * g; i++) {
                assertTrue(events.indexOf("end c" + i) < firstStart, "c" + i + " ended before generation " + g);
            }
        }
        // 3 generations of 20 at 8 slots: 3 waves each (8, 8, 4), 40 epochs a wave
        assertEquals(9 * 40, res.ticks());
        Map<String, Object> r = BENCH.run(c);
        assertTrue(((String) r.get("protocol")).contains("scheduling generational"), r.toString());
        assertTrue((double) rule(r, "nsga2", "pareto").get("fewerEpochsFactor") > 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MoStoppingBench.Config(
                60, 40, 8, 1, 3, null, null, false, null, null, "sync"));
        assertEquals("--scheduling sync: use one of [async, generational]", e.getMessage());
    }

    /**
     * {@code estimate: surrogate} reads a simulated surrogate fed by the search's epochs and warm-started on the
     * priors' curves (a same-task file); the report says which priors were used. A prior file of another task and
     * priors without recorded curves are refused naming the flag.
     */
    @Test
    void aRuleWithTheSurrogateEstimateReadsASurrogateWarmStartedOnThePriors() {
        Path curves = Path.of("bench/curves/fmnist-small-16ep-seed3-chain.jsonl");
        Path priors = Path.of("bench/curves/fmnist-small-16ep-seed2-chain.jsonl");
        MoStoppingBench.Config c = new MoStoppingBench.Config(50, 16, 8, 2, 1, null, List.of(
                new MoStoppingBench.RuleConfig("curve", Map.of()),
                new MoStoppingBench.RuleConfig("surrogate", Map.of("estimate", "surrogate", "gracePeriod", 1))),
                false, curves, null, null, List.of(priors));
        Map<String, Object> r = BENCH.run(c);
        @SuppressWarnings("unchecked")
        Map<String, Object> used = (Map<String, Object>) r.get("priors");
        assertEquals(50, used.get("used"), r.toString());
        Map<String, Object> bySurrogate = rule(r, "random", "surrogate");
        Map<String, Object> byCurve = rule(r, "random", "curve");
        // decisions from the first epoch on predictions learnt from the priors' curves stop earlier than curve fits
        assertTrue((double) bySurrogate.get("stopEpochMean") < (double) byCurve.get("stopEpochMean"),
                bySurrogate + " vs " + byCurve);
        assertTrue((double) bySurrogate.get("fewerEpochsFactor") > 1, bySurrogate.toString());
        assertEquals(bySurrogate, rule(BENCH.run(c), "random", "surrogate"), "deterministic");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MoStoppingBench.Config(
                100, 8, 8, 1, 1, null, null, false, null, null, null, List.of(priors)));
        assertTrue(e.getMessage().startsWith("--priors applies to --curves only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BENCH.run(new MoStoppingBench.Config(50, 8, 8, 1, 1,
                null, null, false, CURVES, null, null, List.of(priors))));
        assertTrue(e.getMessage().startsWith("--priors " + priors + ": recorded on another task than --curves"),
                e.getMessage());
    }

    @Test
    void badConfigurationsNameTheFlag(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MoStoppingBench.Config(
                100, 8, 8, 1, 1, List.of("nsga2"), null, false, CURVES, null));
        assertTrue(e.getMessage().startsWith("--strategy nsga2: with --curves only random applies"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MoStoppingBench.Config(100, 100, 8, 1, 1, null,
                null, true, null, null));
        assertTrue(e.getMessage().startsWith("--tabulated-only applies"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MoStoppingBench.RuleConfig("x",
                Map.of("margin", 2)));
        assertTrue(e.getMessage().startsWith("stopping.margin: must be between"), e.getMessage());
        Path noParams = tmp.resolve("c.jsonl");
        List<String> lines = Files.readAllLines(CURVES).subList(0, 4).stream()
                .map(l -> l.replaceAll("\"params\":[0-9]+,", "")).toList();
        Files.write(noParams, lines);
        e = assertThrows(IllegalArgumentException.class, () -> BENCH.run(new MoStoppingBench.Config(3, 8, 2, 1, 1,
                null, null, false, noParams, null)));
        assertTrue(e.getMessage().contains("has no params"), e.getMessage());
    }
}
