package dev.nasflow.report;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.workflow.Leaderboard;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A synthetic but plausible NB201 search (seeded): 4 generations of 8, every 3rd candidate stopped early. */
final class ReportFixtures {
    static final String SPEC = """
            {
              "name": "report-fixture",
              "seed": 7,
              "space": {"type": "nb201"},
              "strategy": {"type": "rea", "params": {"population": 8, "sampleSize": 3}},
              "budget": {"evaluations": 32, "populationSize": 8, "maxConcurrent": 4},
              "objectives": [%s],
              "fidelity": {"epochs": 12},
              "stopping": {"rule": "median", "gracePeriod": 3, "minTrials": 3},
              "trainer": {"type": "nb201", "dataset": "cifar10"}
            }
            """;
    static final String ONE_OBJECTIVE = "{\"metric\": \"validAccuracy\", \"direction\": \"maximize\"}";
    static final String TWO_OBJECTIVES = ONE_OBJECTIVE + ", {\"metric\": \"params\", \"direction\": \"minimize\"}";

    private ReportFixtures() {
    }

    static SearchSpec spec(String objectives) {
        SpecValidation v = new SpecValidator().validate(SPEC.formatted(objectives), "fixture");
        if (!v.ok()) {
            throw new IllegalStateException(v.report());
        }
        return v.effective();
    }

    record Fixture(SearchResult result, Map<String, Curve> curves) {
        SearchReport report(boolean withCurves) {
            return new SearchReport(result, withCurves ? curves : Map.of(),
                    withCurves ? List.of() : HtmlReport.curveNotes(false, null), "test fixture",
                    Instant.parse("2026-01-02T03:04:05Z"));
        }
    }

    static Fixture search(String id, String objectives) {
        SearchSpec spec = spec(objectives);
        CellSpace space = CellSpace.nb201();
        Random rng = new Random(42);
        List<CandidateResult> results = new ArrayList<>();
        Map<String, Curve> curves = new LinkedHashMap<>();
        long t = 1_700_000_000_000L;
        double sim = 0;
        for (int gen = 0; gen < 4; gen++) {
            for (int i = 0; i < 8; i++) {
                Genome g = space.random(rng);
                String cid = id + "-g" + gen + "-c" + i;
                boolean stopped = (gen * 8 + i) % 3 == 2;
                int epochs = stopped ? 3 + rng.nextInt(3) : 12;
                double ceiling = 55 + gen * 4 + rng.nextDouble() * 30;
                List<Integer> es = new ArrayList<>();
                List<Double> vs = new ArrayList<>();
                for (int e = 1; e <= epochs; e++) {
                    es.add(e);
                    vs.add(ceiling * (1 - Math.exp(-e / 3.0)) + rng.nextGaussian());
                }
                t += 1_000 + rng.nextInt(500);
                double epochSim = 60 + rng.nextDouble() * 40;
                sim += epochSim * epochs;
                curves.put(cid, new Curve(es, vs, t));
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("validAccuracy", vs.get(vs.size() - 1));
                metrics.put("testAccuracy", vs.get(vs.size() - 1) - 1.5);
                metrics.put("params", 1e5 + rng.nextDouble() * 1.4e6);
                metrics.put("flops", 1e7 + rng.nextDouble() * 2e8);
                metrics.put("epochs", (double) epochs);
                results.add(new CandidateResult(cid, gen, i, g, space.canonical(g), space.hash(g), 12, epochs,
                        stopped ? Outcome.STOPPED_EARLY : Outcome.COMPLETED, metrics, stopped ? "median" : "",
                        epochSim * epochs, 900L * epochs, 0, 1));
            }
        }
        int stopped = (int) results.stream().filter(r -> r.outcome() == Outcome.STOPPED_EARLY).count();
        SearchStatus status = new SearchStatus(id, "COMPLETED", 3, results.size() + 1, results.size() - stopped,
                stopped, 1, 0, 0, List.of(), Leaderboard.best(results, spec), sim, 41_000, 0, 900, spec);
        SearchResult result = new SearchResult(status, Leaderboard.rank(results, spec),
                Leaderboard.paretoFront(results, spec));
        return new Fixture(result, curves);
    }
}
