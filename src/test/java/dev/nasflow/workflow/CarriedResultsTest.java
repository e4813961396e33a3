package dev.nasflow.workflow;

import dev.nasflow.strategy.Observation;
import dev.nasflow.carried.CarriedResults;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.carried.StrategyReplay;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.bench.CarriedStateBench;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compact carried state: lossless, deterministic, backward compatible, small, and the replay stays exact. */
class CarriedResultsTest {
    static final ObjectMapper JSON = TemporalClients.objectMapper();
    static final DataConverter CONVERTER = TemporalClients.dataConverter();
    static final TableTrainer TABLE = new TableTrainer(Nb201Table.cifar10());
    static final CarriedStateBench BENCH = new CarriedStateBench(TABLE, null);

    static SearchState viaConverter(SearchState s) {
        Payloads p = CONVERTER.toPayloads(s).orElseThrow();
        return CONVERTER.fromPayloads(0, java.util.Optional.of(p), SearchState.class, SearchState.class);
    }

    /** Results with every awkward value: odd doubles, no metrics, exceptions to the derived id/arch/hash. */
    static List<GenerationRecord> awkward(SearchSpace space) {
        Random rnd = new Random(3);
        List<GenerationRecord> gens = new ArrayList<>();
        double[] odd = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                1e300, -1e-300, 0.1 + 0.2, 91.53, 1.0 / 3, 123456789.123456, 9.007199254740993E15, -42};
        int k = 0;
        for (int g = 0; g < 4; g++) {
            List<CandidateResult> rs = new ArrayList<>();
            for (int i = 0; i < 9; i += 1 + (g == 2 ? 1 : 0)) {
                Genome genome = space.random(rnd);
                Map<String, Double> m = new LinkedHashMap<>();
                if (i % 4 != 3) {
                    m.put("validAccuracy", odd[k++ % odd.length]);
                    m.put("params", (double) rnd.nextInt(2_000_000));
                    m.put("trainLoss", rnd.nextDouble());
                }
                if (i == 5) {
                    m.put("a-metric-with-ünïcode", 1.5);
                }
                Outcome o = Outcome.values()[(g + i) % Outcome.values().length];
                String id = "s-x-g" + g + "-c" + i;
                String arch = space.canonical(genome);
                String hash = space.hash(genome);
                int gen = g;
                if (g == 1 && i == 2) {
                    id = "renamed-by-hand";
                }
                if (g == 3 && i == 4) {
                    arch = "not-the-canonical-form";
                    hash = null;
                    gen = 7;
                }
                rs.add(new CandidateResult(id, gen, i, genome, arch, hash, 12, i % 3 == 0 ? 12 : i - 2, o, m,
                        i % 2 == 0 ? "" : "median: below " + rnd.nextDouble(), odd[(k + 3) % odd.length],
                        i == 1 ? -5 : rnd.nextInt(100_000), i, 1 + i % 3));
            }
            gens.add(new GenerationRecord(g, 9 + g, rs));
        }
        gens.add(new GenerationRecord(4, 3, List.of()));
        return gens;
    }

    @Test
    void roundTripIsLosslessThroughTheWorkersDataConverter() {
        SearchSpace space = CellSpaceHolder.SPACE;
        List<GenerationRecord> gens = awkward(space);
        SearchState state = viaConverter(SearchState.carry("s-x", null, space, 40, gens, true, false, 123, 2, 0, null));
        assertEquals(gens, state.history(space));
        assertTrue(state.generations().isEmpty());
        assertEquals(40, state.historyLimit());
        assertTrue(state.paused());
        assertEquals(2, state.continuedAsNew());
        assertEquals(0, state.carryLimitBytes());
        // and the same bytes again: the encoding is a function of the records
        assertArrayEquals(CarriedResults.encode("s-x", space, gens).data(),
                CarriedResults.encode("s-x", space, state.history(space)).data());
    }

    @Test
    void corruptDataIsRejectedWithAClearMessage() {
        SearchSpace space = CellSpaceHolder.SPACE;
        CarriedResults c = CarriedResults.encode("s", space, awkward(space));
        byte[] bad = c.data();
        bad[bad.length / 2] ^= 0x5A;
        CarriedResults broken = new CarriedResults(c.format(), c.searchId(), c.generations(), c.results(), bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> broken.decode(space));
        assertTrue(e.getMessage().startsWith("carried results:"), e.getMessage());
        CarriedResults future = new CarriedResults(2, "s", 0, 0, c.data());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> future.decode(space)).getMessage()
                .contains("unknown format 2"));
    }

    @Test
    void stateOfEarlierVersionsWithGenerationRecordsIsStillAccepted() throws Exception {
        SearchSpace space = CellSpaceHolder.SPACE;
        List<GenerationRecord> gens = awkward(space);
        SearchSpec spec = CarriedStateBench.spec("rea", 100, 10, 7);
        // the JSON an earlier worker wrote: the records under "generations", no "results"
        ObjectNode old = JSON.createObjectNode();
        old.set("spec", JSON.valueToTree(spec));
        old.put("historyLimit", 40);
        old.set("generations", JSON.valueToTree(gens));
        old.put("paused", false);
        old.put("stopRequested", true);
        old.put("startedAtMs", 5);
        old.put("continuedAsNew", 1);
        SearchState s = CONVERTER.fromPayloads(0, CONVERTER.toPayloads(old), SearchState.class, SearchState.class);
        assertNull(s.results());
        assertEquals(gens, s.history(space));
        assertTrue(s.stopRequested());
        assertEquals(spec, s.spec());

        JsonNode now = JSON.readTree(JSON.writeValueAsString(
                SearchState.carry("s", spec, space, 40, gens, false, true, 5, 1, 0, null)));
        assertFalse(now.has("generations"), "the records are no longer written");
        assertEquals(gens.stream().mapToInt(g -> g.results().size()).sum(), now.at("/results/results").asInt());
        assertTrue(now.at("/results/data").isTextual(), "compressed columns, base64");
    }

    @Test
    void longLeaderboardsTravelCompactAndReadBackTheSame() throws Exception {
        SearchSpec spec = CarriedStateBench.spec("random", 3000, 100, 1);
        SearchSpace space = Spaces.create(spec.space());
        List<GenerationRecord> gens = BENCH.search("lb", spec,
                Strategies.create("random", StrategyReplay.context(spec, space)), 3000);
        List<CandidateResult> all = gens.stream().flatMap(g -> g.results().stream()).toList();
        List<CandidateResult> ranked = Leaderboard.rank(all, spec);
        SearchStatus status = new SearchStatus("lb", "COMPLETED", 29, all.size(), all.size(), 0, 0, 0, 0, List.of(),
                ranked.get(0), 1, 2, 3, 4, spec);
        SearchResult r = new SearchResult(status, ranked, Leaderboard.paretoFront(all, spec));
        Payloads p = CONVERTER.toPayloads(r).orElseThrow();
        JsonNode json = JSON.readTree(p.getPayloads(0).getData().toByteArray());
        assertFalse(json.has("leaderboard"));
        assertTrue(json.has("leaderboardCompact"));
        assertTrue(p.getSerializedSize() < 200_000, "3,000 results in " + p.getSerializedSize() + " bytes");
        SearchResult back = CONVERTER.fromPayloads(0, java.util.Optional.of(p), SearchResult.class,
                SearchResult.class);
        assertEquals(r, back);

        SearchResult small = new SearchResult(status, ranked.subList(0, 5), List.of());
        JsonNode smallJson = JSON.readTree(JSON.writeValueAsString(small));
        assertTrue(smallJson.get("leaderboard") instanceof ArrayNode, "short leaderboards stay readable JSON");
        assertEquals(small, JSON.treeToValue(smallJson, SearchResult.class));
    }

    /** 20,000 table results (the space has 15,625 architectures: random search stops there) fit far under 2 MB. */
    @Test
    void twentyThousandResultsFitTheStartInput() {
        SearchSpec spec = CarriedStateBench.spec("rea", 20_000, 100, 1);
        SearchSpace space = Spaces.create(spec.space());
        List<GenerationRecord> gens = BENCH.search("big", spec,
                Strategies.create("rea", StrategyReplay.context(spec, space)), 20_000);
        SearchState state = SearchState.carry("big", spec, space, 0, gens, false, false, 0, 1, 0, null);
        long bytes = BENCH.startInputBytes(state, spec);
        assertTrue(bytes < CarriedStateBench.PAYLOAD_LIMIT / 4, "20,000 results in " + bytes + " bytes");
        assertEquals(gens, viaConverter(state).history(space));
    }

    /**
     * The strategy rebuilt from the compact state after 5,000 results proposes exactly what the uninterrupted one
     * proposes next, for every strategy the workflow replays.
     */
    @ParameterizedTest
    @ValueSource(strings = {"random", "grid", "rea", "local", "nsga2", "asha", "hyperband"})
    void replayFromTheCompactStateMakesTheSamePicks(String type) {
        SearchSpec spec = CarriedStateBench.spec(type, 6000, 100, 11);
        SearchSpace space = Spaces.create(spec.space());
        Strategy live = Strategies.create(type, StrategyReplay.context(spec, space));
        List<GenerationRecord> gens = BENCH.search("x", spec, live, 5000);
        SearchState carried = viaConverter(SearchState.carry("x", spec, space, 0, gens, false, false, 0, 1, 0, null));
        Strategy rebuilt = StrategyReplay.rebuild(spec, space, carried.history(space));
        for (int g = 0; g < 3; g++) {
            List<Proposal> a = live.propose(100);
            List<Proposal> b = rebuilt.propose(100);
            assertEquals(a, b, type + ": generation " + (gens.size() + g) + " after the replay");
            GenerationRecord rec = BENCH.generation("x", spec, space, gens.size() + g, 100, a);
            rec.results().forEach(r -> {
                live.observe(Observation.of(r));
                rebuilt.observe(Observation.of(r));
            });
        }
    }

    @Test
    void budgetChangesAboveTheCarriedLimitAreRejected() {
        SearchSpec spec = CarriedStateBench.spec("rea", 100, 10, 7);
        assertEquals(List.of(), BudgetRules.checkLimit(spec, new dev.nasflow.model.BudgetSpec(20_000, null, null, null,
                null, null)));
        List<String> errors = BudgetRules.checkLimit(spec, new dev.nasflow.model.BudgetSpec(20_001, null, null, null,
                null, null));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("budget.evaluations: must be at most 20000"), errors.get(0));
        assertTrue(errors.get(0).contains("fix:"), errors.get(0));
    }

    private static final class CellSpaceHolder {
        static final SearchSpace SPACE = Spaces.create(CarriedStateBench.spec("rea", 100, 10, 7).space());
    }
}
