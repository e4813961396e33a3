package dev.nasflow.bench;

import dev.nasflow.strategy.Observation;
import dev.nasflow.nb201.TableTrainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.workflow.SearchState;
import dev.nasflow.carried.StrategyReplay;
import io.temporal.common.converter.DataConverter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What continue-as-new carries at scale (part of {@code nasflow bench scaling}, no server needed): for each strategy,
 * a search of N table candidates is run in this JVM the way the workflow runs it (propose a generation, evaluate each
 * proposal on the NAS-Bench-201 table, observe in candidate order), then the workflow's start input after
 * continue-as-new (spec + {@link SearchState}, through the workers' data converter) is measured, and the replay that
 * the next run's first workflow task does (decode + {@link StrategyReplay#rebuild}) is timed. For {@code bananas},
 * whose strategy lives in the Propose activity, the activity's rebuild (observe every result, propose a generation)
 * is timed instead. The largest N that fits the 2 MB payload limit follows from the bytes per result.
 */
public final class CarriedStateBench {
    /** Temporal's default blob size error limit (payloads of one event). */
    public static final long PAYLOAD_LIMIT = 2L * 1024 * 1024;

    private final TableTrainer trainer;
    private final Consumer<String> progress;
    private final DataConverter converter = TemporalClients.dataConverter();

    public CarriedStateBench(TableTrainer trainer, Consumer<String> progress) {
        this.trainer = trainer;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** A validated spec for an offline search of {@code evaluations} candidates. */
    public static SearchSpec spec(String strategy, int evaluations, int population, long seed) {
        // the spec's limit only bounds a real search; the offline one here runs to the size asked for
        ObjectNode json = SearchRun.spec("carried-" + strategy, Math.min(evaluations, BudgetSpec.MAX_EVALUATIONS),
                population, population, 12, 0, seed, "nasflow");
        ((ObjectNode) json.get("strategy")).put("type", strategy);
        SpecValidation v = new SpecValidator().validate(json, "carried-state bench");
        if (!v.ok()) {
            throw new IllegalArgumentException("bench spec invalid: " + v.errors());
        }
        return v.effective();
    }

    /**
     * The finished generations of a search run in this JVM as the workflow runs it, up to {@code results} results
     * (fewer when the strategy runs out). Deterministic: results depend only on the spec and the table.
     */
    public List<GenerationRecord> search(String searchId, SearchSpec spec, Strategy strategy, int results) {
        SearchSpace space = Spaces.create(spec.space());
        List<GenerationRecord> out = new ArrayList<>();
        int done = 0;
        int population = spec.budget().populationSize();
        while (done < results) {
            int n = Math.min(population, results - done);
            List<Proposal> ps = strategy.propose(n);
            if (ps.isEmpty()) {
                break;
            }
            GenerationRecord g = generation(searchId, spec, space, out.size(), n, ps);
            g.results().forEach(r -> strategy.observe(Observation.of(r)));
            out.add(g);
            done += g.results().size();
        }
        return out;
    }

    /** One generation of table results, as the training activity would return them. */
    public GenerationRecord generation(String searchId, SearchSpec spec, SearchSpace space, int generation,
                                       int requested, List<Proposal> proposals) {
        List<CandidateResult> rs = new ArrayList<>();
        for (int i = 0; i < proposals.size(); i++) {
            Genome g = proposals.get(i).genome();
            int epochs = proposals.get(i).epochs() > 0 ? proposals.get(i).epochs() : spec.fidelity().epochs();
            Map<String, Double> m = new LinkedHashMap<>(trainer.metrics(g, epochs));
            double sim = m.remove("simSeconds");
            m.remove("epochs");
            long wall = 2 + (generation * 31L + i * 7L) % 40;
            rs.add(new CandidateResult(CandidateTask.id(searchId, generation, i), generation, i, g, space.canonical(g),
                    space.hash(g), epochs, epochs, Outcome.COMPLETED, m, "", sim, wall, 0, 1));
        }
        return new GenerationRecord(generation, requested, rs);
    }

    /** Bytes of the workflow start input after continue-as-new: the spec JSON and the state, as the worker sends them. */
    public long startInputBytes(SearchState state, SearchSpec spec) {
        JsonNode specJson = TemporalClients.objectMapper().valueToTree(spec);
        Optional<io.temporal.api.common.v1.Payloads> p = converter.toPayloads(specJson, state);
        return p.map(io.temporal.api.common.v1.Payloads::getSerializedSize).orElse(0);
    }

    /**
     * @param strategies strategy types to measure
     * @param sizes      result counts, ascending (e.g. 5000, 10000, 20000)
     * @param population candidates per generation
     */
    public Map<String, Object> run(List<String> strategies, List<Integer> sizes, int population) {
        int maxN = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Map<String, Object>> points = new ArrayList<>();
        Map<String, Object> limits = new LinkedHashMap<>();
        List<GenerationRecord> randomHistory = null;
        for (String type : strategies) {
            boolean viaActivity = "bananas".equals(type);
            SearchSpec spec = spec(viaActivity ? "random" : type, maxN, population, 1);
            SearchSpace space = Spaces.create(spec.space());
            String id = "carried-" + type;
            List<GenerationRecord> all;
            if (viaActivity && randomHistory != null) {
                all = randomHistory;
            } else {
                all = search(id, spec, Strategies.create(spec.strategy().type(), StrategyReplay.context(spec, space)),
                        maxN);
            }
            if ("random".equals(type)) {
                randomHistory = all;
            }
            SearchSpec measured = viaActivity ? spec("bananas", maxN, population, 1) : spec;
            double perResult = Double.NaN;
            long fixed = startInputBytes(SearchState.carry(id, measured, space, 0, List.of(), false, false, 0, 1, 0, null),
                    measured);
            for (int n : sizes) {
                List<GenerationRecord> prefix = prefix(all, n);
                int count = prefix.stream().mapToInt(g -> g.results().size()).sum();
                if (count < n && n != sizes.get(0)) {
                    progress.accept(type + ": the strategy stopped at " + count + " results");
                }
                SearchState state = SearchState.carry(id, measured, space, 0, prefix, false, false, 0, 1, 0, null);
                long bytes = startInputBytes(state, measured);
                long t0 = System.nanoTime();
                List<GenerationRecord> back = state.history(space);
                long t1 = System.nanoTime();
                if (viaActivity) {
                    Strategy s = Strategies.create("bananas", StrategyReplay.context(measured, space));
                    back.forEach(g -> g.results().forEach(r -> s.observe(Observation.of(r))));
                    s.propose(population);
                } else {
                    StrategyReplay.rebuild(measured, space, back);
                }
                long t2 = System.nanoTime();
                perResult = count == 0 ? Double.NaN : (double) (bytes - fixed) / count;
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("strategy", type);
                p.put("results", count);
                p.put("generations", prefix.size());
                p.put("startInputBytes", bytes);
                p.put("bytesPerResult", Stats.round(perResult, 1));
                p.put("decodeMs", Stats.round((t1 - t0) / 1e6, 1));
                p.put(viaActivity ? "proposeActivityRebuildMs" : "replayMs", Stats.round((t2 - t1) / 1e6, 1));
                progress.accept(String.format(Locale.ROOT, "%s: %d results carried in %d bytes (%.1f per result); "
                                + "decode %.0f ms, %s %.0f ms", type, count, bytes, perResult, (t1 - t0) / 1e6,
                        viaActivity ? "Propose-activity rebuild" : "replay", (t2 - t1) / 1e6));
                points.add(p);
            }
            if (!Double.isNaN(perResult)) {
                limits.put(type, (long) ((PAYLOAD_LIMIT - fixed) / perResult));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("setup", String.format(Locale.ROOT, "searches run in this JVM on the NAS-Bench-201 table (12 epochs, "
                + "population %d, seed 1); start input = spec + SearchState through the workers' data converter; "
                + "replay = decode + rebuild of the strategy, as in the first workflow task after continue-as-new "
                + "(bananas: the Propose activity's rebuild, observations from the random search)", population));
        out.put("payloadLimitBytes", PAYLOAD_LIMIT);
        out.put("points", points);
        out.put("resultsUnderPayloadLimit", limits);
        return out;
    }

    /** The generations holding the first {@code n} results (the last one cut if needed). */
    static List<GenerationRecord> prefix(List<GenerationRecord> all, int n) {
        List<GenerationRecord> out = new ArrayList<>();
        int left = n;
        for (GenerationRecord g : all) {
            if (left <= 0) {
                break;
            }
            if (g.results().size() <= left) {
                out.add(g);
                left -= g.results().size();
            } else {
                out.add(new GenerationRecord(g.generation(), g.requested(), g.results().subList(0, left)));
                left = 0;
            }
        }
        return out;
    }
}
