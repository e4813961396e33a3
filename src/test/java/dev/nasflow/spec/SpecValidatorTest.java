package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SpaceSpec;
import dev.nasflow.model.StrategySpec;
import dev.nasflow.space.Cost;
import dev.nasflow.space.InputShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecValidatorTest {
    static final PathPolicy PATHS = new PathPolicy(Path.of("/srv/nasflow"), List.of(Path.of("/data")));
    static final SpecValidator V = new SpecValidator(PATHS, new DefaultSpaceFacts());

    static final String MINIMAL = """
            {"name": "t", "space": {"type": "nb201"}, "strategy": {"type": "random"}, "budget": {"evaluations": 10}}
            """;

    /** A fake space model: every space has the given size and cheapest network. */
    record FakeFacts(BigInteger size, Cost min, List<InputShape> asked) implements SpaceFacts {
        FakeFacts(BigInteger size, Cost min) {
            this(size, min, new ArrayList<>());
        }

        @Override
        public Optional<BigInteger> size(SpaceSpec space) {
            return Optional.ofNullable(size);
        }

        @Override
        public Optional<Cost> minCost(SpaceSpec space, InputShape input) {
            asked.add(input);
            return Optional.ofNullable(min);
        }
    }

    static Set<String> pointers(SpecValidation v) {
        return v.errors().stream().map(SpecError::pointer).collect(Collectors.toSet());
    }

    @Test
    void minimalSpecIsValidAndKeptAsWritten() {
        SpecValidation v = V.validate(MINIMAL, "minimal");
        assertTrue(v.ok(), v.report());
        assertEquals("minimal: ok", v.report());
        assertEquals("t", v.spec().name());
        assertEquals(null, v.spec().seed(), "as written: no defaults");
        assertEquals(0L, v.effective().seed());
    }

    @Test
    void reportsEveryErrorNotJustTheFirst() {
        String json = """
                {"name": "Bad Name", "seed": -3, "space": {"type": "nb201", "layers": 2},
                 "strategy": {"type": "rea", "params": {"populaton": 5}},
                 "budget": {"evaluations": 0},
                 "objectives": [{"metric": "params", "direction": "maximize"}],
                 "fidelity": {"epochs": 12, "minEpochs": 13},
                 "taskQueue": "q; reboot",
                 "colour": "red"}
                """;
        SpecValidation v = V.validate(json, "many");
        assertFalse(v.ok());
        assertEquals(Set.of("/name", "/seed", "/space/layers", "/strategy/params/populaton", "/budget/evaluations",
                "/objectives/0/direction", "/fidelity/minEpochs", "/taskQueue", "/colour"), pointers(v), v.report());
        List<String> sorted = v.errors().stream().map(SpecError::pointer).sorted().toList();
        assertEquals(sorted, v.errors().stream().map(SpecError::pointer).toList(), "ordered by pointer");
    }

    /**
     * Budget fields named as other tools name them get the field meant, not a spelling neighbour or a strategy
     * parameter of the same name (BANANAS has a 'candidates' parameter; a budget's 'candidates' means evaluations).
     */
    @Test
    void budgetFieldsNamedAsOtherToolsNameThemPointToTheFieldMeant() {
        SpecValidation v = V.validate(MINIMAL.replace("\"evaluations\": 10",
                "\"evaluations\": 10, \"candidates\": 10, \"max_trials\": 10, \"parallelism\": 4"), "intent");
        assertFalse(v.ok());
        java.util.Map<String, String> hints = new java.util.HashMap<>();
        v.errors().forEach(e -> hints.put(e.pointer(), e.hint()));
        assertTrue(hints.get("/budget/candidates").startsWith("did you mean 'evaluations' (how many candidates"),
                v.report());
        assertTrue(hints.get("/budget/max_trials").startsWith("did you mean 'evaluations'"), v.report());
        assertTrue(hints.get("/budget/parallelism").startsWith("did you mean 'maxConcurrent'"), v.report());
    }

    /** Shards: 10,000 in flight is valid; too many shards, a bad shardSize or maxConcurrent name the field and fix. */
    @Test
    void manyCandidatesInFlightAreValidatedAgainstTheShardLimits() {
        String ok = MINIMAL.replace("\"evaluations\": 10", "\"evaluations\": 10000, \"maxConcurrent\": 10000");
        assertTrue(V.validate(ok, "fanout").ok(), V.validate(ok, "fanout").report());
        SpecValidation tooMany = V.validate(MINIMAL.replace("\"evaluations\": 10",
                "\"evaluations\": 10000, \"maxConcurrent\": 60000, \"shardSize\": 50"), "shards");
        assertFalse(tooMany.ok());
        assertEquals("/budget/maxConcurrent", tooMany.errors().get(0).pointer(), tooMany.report());
        assertTrue(tooMany.report().contains("raise budget.shardSize"), tooMany.report());
        SpecValidation badShard = V.validate(MINIMAL.replace("\"evaluations\": 10",
                "\"evaluations\": 10, \"shardSize\": 5000"), "shard");
        assertFalse(badShard.ok());
        assertEquals("/budget/shardSize", badShard.errors().get(0).pointer(), badShard.report());
        SpecValidation huge = V.validate(MINIMAL.replace("\"evaluations\": 10",
                "\"evaluations\": 10, \"maxConcurrent\": 100001"), "huge");
        assertFalse(huge.ok());
        assertEquals("/budget/maxConcurrent", huge.errors().get(0).pointer(), huge.report());
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        SpecValidation v = V.validate("{\n  \"name\": \"x\",\n  \"seed\": 01\n}", "syntax");
        assertEquals(1, v.errors().size());
        assertTrue(v.errors().get(0).message().startsWith("invalid JSON at line 3, column"), v.report());
        assertEquals("/seed", v.errors().get(0).pointer());
    }

    @Test
    void nullMembersMeanDefault() {
        String json = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"seed\": null, \"stopping\": null,");
        SpecValidation v = V.validate(json, "nulls");
        assertTrue(v.ok(), v.report());
        assertEquals("none", v.effective().stopping().rule());
    }

    @Test
    void nullForARequiredSectionIsMissing() {
        SpecValidation v = V.validate(MINIMAL.replace("{\"evaluations\": 10}", "null"), "null-budget");
        assertEquals(Set.of("/budget"), pointers(v), v.report());
        assertTrue(v.errors().get(0).message().contains("required"));
    }

    @Test
    void unknownFieldsSuggestTheNearestOrTheirHome() {
        SpecValidation v = V.validate(MINIMAL.replace("\"evaluations\"", "\"Evaluations\""), "case");
        assertTrue(v.errors().get(0).hint().startsWith("did you mean 'evaluations'?"), v.report());
        v = V.validate(MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"minEpochs\": 3,"), "home");
        assertTrue(v.errors().get(0).hint().contains("/fidelity/minEpochs"), v.report());
    }

    @Test
    void enumTyposGetDidYouMean() {
        SpecValidation v = V.validate(MINIMAL.replace("\"random\"", "\"nsga-2\""), "enum");
        assertEquals("/strategy/type", v.errors().get(0).pointer());
        assertTrue(v.errors().get(0).hint().startsWith("did you mean 'nsga2'?"), v.report());
    }

    @Test
    void validatesDeserialisedSpecsToo() {
        SearchSpec s = V.validate(MINIMAL, "m").orThrow();
        assertTrue(V.validate(s, "workflow input").ok());
        assertTrue(V.validate(Defaults.apply(s), "workflow input").ok(), "defaults output is valid");
        SearchSpec bad = new SearchSpec("t", 1L, SpaceSpec.nb201(), new StrategySpec("rea",
                java.util.Map.of("population", 2, "sampleSize", 5)), new BudgetSpec(10, null, null, null, null, null),
                null, null, null, null, null, null, null, null);
        SpecValidation v = V.validate(bad, "workflow input");
        assertEquals(Set.of("/strategy/params/sampleSize"), pointers(v), v.report());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, v::orThrow);
        assertTrue(e.getMessage().startsWith("workflow input: /strategy/params/sampleSize: "), e.getMessage());
        assertEquals(1, e.errors().size());
    }

    @Test
    void reaDefaultSampleSizeAgainstSmallPopulationPointsAtPopulation() {
        SpecValidation v = V.validate(MINIMAL.replace("{\"type\": \"random\"}",
                "{\"type\": \"rea\", \"params\": {\"population\": 2}}"), "rea");
        assertEquals(Set.of("/strategy/params/population"), pointers(v), v.report());
    }

    @Test
    void paramsAreNormalisedInTheEffectiveSpec() {
        SpecValidation v = V.validate(MINIMAL.replace("{\"type\": \"random\"}",
                "{\"type\": \"rea\", \"params\": {\"population\": 20.0}}"), "norm");
        assertTrue(v.ok(), v.report());
        assertEquals(20, v.effective().strategy().params().get("population"));
        assertEquals(10, v.effective().strategy().params().get("sampleSize"));
    }

    @Test
    void paramsConstraintBelowTheSmallestNetworkIsImpossible() {
        FakeFacts facts = new FakeFacts(BigInteger.valueOf(15_625), new Cost(73_000, 7_800_000));
        SpecValidator v = new SpecValidator(PATHS, facts);
        String json = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"constraints\": "
                + "[{\"metric\": \"params\", \"max\": 50000}, {\"metric\": \"flops\", \"max\": 1e9}],");
        SpecValidation r = v.validate(json, "cost");
        assertEquals(Set.of("/constraints/0/max"), pointers(r), r.report());
        assertTrue(r.errors().get(0).message().contains("the smallest has 73000"), r.report());
        assertTrue(r.errors().get(0).hint().contains("at least 73000"), r.report());
        assertEquals(List.of(new InputShape(3, 32, 32, 10)), facts.asked(), "nb201 cifar10 input");
        String flops = json.replace("1e9", "1000");
        assertEquals(Set.of("/constraints/0/max", "/constraints/1/max"), pointers(v.validate(flops, "flops")));
        String ok = json.replace("50000", "100000");
        assertTrue(v.validate(ok, "ok").ok());
    }

    @Test
    void unknownCostSkipsTheCheck() {
        SpecValidator v = new SpecValidator(PATHS, new FakeFacts(null, null));
        String json = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"constraints\": "
                + "[{\"metric\": \"params\", \"max\": 5}],");
        assertTrue(v.validate(json, "unknown").ok());
    }

    @Test
    void gridChecksTheSpaceSize() {
        String grid = MINIMAL.replace("\"random\"", "\"grid\"");
        assertTrue(V.validate(grid, "nb201 grid").ok(), "15,625 cells are fine");
        SpecValidator huge = new SpecValidator(PATHS, new FakeFacts(BigInteger.valueOf(1_000_001), null));
        SpecValidation v = huge.validate(grid, "huge");
        assertEquals(Set.of("/strategy/type"), pointers(v));
        assertTrue(v.errors().get(0).message().contains("1,000,001"), v.report());
        SpecValidator limit = new SpecValidator(PATHS, new FakeFacts(BigInteger.valueOf(1_000_000), null));
        assertTrue(limit.validate(grid, "limit").ok());
    }

    @Test
    void defaultTrainerForNonNb201SpacesIsDjlAndNeedsData() {
        String chain = MINIMAL.replace("{\"type\": \"nb201\"}", "{\"type\": \"chain\"}");
        SpecValidation v = V.validate(chain, "chain");
        assertEquals(Set.of("/data"), pointers(v), v.report());
        assertTrue(v.errors().get(0).message().contains("default trainer for space type 'chain' is djl"));
        String withData = chain.replace("\"name\": \"t\",",
                "\"name\": \"t\", \"data\": {\"format\": \"idx\", \"path\": \"/data/fmnist\"},");
        assertTrue(V.validate(withData, "chain+data").ok(), V.validate(withData, "x").report());
    }

    @Test
    void asha_defaultsToMinEpochsOneAndNeedsRoom() {
        String asha = MINIMAL.replace("{\"type\": \"random\"}", "{\"type\": \"asha\"}");
        SpecValidation v = V.validate(asha, "asha");
        assertTrue(v.ok(), v.report());
        assertEquals(1, v.effective().fidelity().minEpochs());
        assertEquals(12, v.effective().fidelity().epochs());
        SpecValidation one = V.validate(asha.replace("\"name\": \"t\",", "\"name\": \"t\", \"fidelity\": {\"epochs\": 1},"), "one");
        assertEquals(Set.of("/fidelity/epochs"), pointers(one), one.report());
    }

    @Test
    void stoppingAshaNeedsAFirstRungBelowTheFullTraining() {
        String json = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"stopping\": {\"rule\": \"asha\", \"minEpochs\": 12},"
                + " \"fidelity\": {\"epochs\": 12},");
        SpecValidation v = V.validate(json, "stop-asha");
        assertEquals(Set.of("/stopping/minEpochs"), pointers(v), v.report());
        assertTrue(v.errors().get(0).message().startsWith("stopping rule 'asha' could never stop"), v.report());
        assertTrue(V.validate(json.replace("\"minEpochs\": 12", "\"minEpochs\": 2"), "ok").ok());
        assertEquals(Map.of("minEpochs", 2, "eta", 3, "minTrials", 3), V.validate(json.replace("\"minEpochs\": 12",
                "\"minEpochs\": 2"), "ok").effective().stopping().params());
    }

    @Test
    void nb201TableEpochLimitsDependOnTheDataset() {
        String at200 = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"fidelity\": {\"epochs\": 200},");
        assertTrue(V.validate(at200, "200").ok());
        String imagenet = at200.replace("\"name\": \"t\",",
                "\"name\": \"t\", \"trainer\": {\"type\": \"nb201\", \"dataset\": \"imagenet16-120\"},");
        assertEquals(Set.of("/fidelity/epochs"), pointers(V.validate(imagenet, "in16")));
        String in12 = imagenet.replace("\"epochs\": 200", "\"epochs\": 12");
        SpecValidation v = V.validate(in12, "in16-12");
        assertTrue(v.ok(), v.report());
        assertEquals(16, v.effective().fidelity().resolution());
        assertEquals(new InputShape(3, 16, 16, 120), Defaults.inputShape(v.effective()).orElseThrow());
    }

    @Test
    void pathsAreConfinedToTheConfiguredRoots() {
        String base = MINIMAL.replace("\"name\": \"t\",", "\"name\": \"t\", \"artifacts\": \"ARTS\",");
        assertTrue(V.validate(base.replace("ARTS", "/data/runs/t"), "in root").ok());
        assertTrue(V.validate(base.replace("ARTS", "/srv/nasflow/artifacts/t"), "in home").ok());
        assertTrue(V.validate(base.replace("ARTS", "runs/t"), "relative").ok());
        assertEquals(Set.of("/artifacts"), pointers(V.validate(base.replace("ARTS", "/tmp/t"), "outside")));
        assertEquals(Set.of("/artifacts"), pointers(V.validate(base.replace("ARTS", "/data/../etc"), "climb")));
    }

    @Test
    void tooLargeEmptyOrNonUtf8InputIsRejected(@TempDir Path tmp) throws Exception {
        String big = MINIMAL.replace("\"t\"", "\"t\", \"pad\": \"" + "x".repeat(SpecJson.MAX_CHARS) + "\"");
        assertTrue(V.validate(big, "big").errors().get(0).message().contains("larger than"));
        assertTrue(V.validate("   ", "blank").errors().get(0).message().contains("empty"));
        Path latin1 = tmp.resolve("latin1.json");
        Files.write(latin1, MINIMAL.replace("\"t\"", "\"t\u00e9\"").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(V.validate(latin1).errors().get(0).message().contains("not UTF-8"));
        assertTrue(V.validate(tmp).errors().get(0).message().contains("directory"));
    }

    @Test
    void byteOrderMarkIsAccepted() {
        assertTrue(V.validate("\ufeff" + MINIMAL, "bom").ok());
    }

    @Test
    void validationIsDeterministic() {
        String json = BadSpecCorpus.cases().stream().map(BadSpecCorpus.Case::file).findFirst().map(p -> {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).orElseThrow();
        assertEquals(V.validate(json, "a").errors(), V.validate(json, "a").errors());
        assertNotNull(SpecSchema.text());
    }
}
