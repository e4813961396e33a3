package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.TrainerDescriptor;
import dev.nasflow.model.Trainers;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.StrategyDescriptor;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON Schema, the Java vocabularies and the strategy parameter table say the same thing. */
class SchemaConsistencyTest {
    static final JsonNode S = SpecSchema.node();

    static List<Object> values(JsonNode array) {
        List<Object> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isNumber() ? (Object) n.intValue() : n.asText()));
        return out;
    }

    @Test
    void schemaIsAValidDraft202012Schema() {
        JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        Set<ValidationMessage> problems = meta.validate(S);
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals("https://json-schema.org/draft/2020-12/schema", S.get("$schema").asText());
    }

    @Test
    void shippedSchemaIsTheRepositoryFile() throws Exception {
        String repo = Files.readString(Path.of("src/main/resources/schema/search-spec.schema.json"));
        try (InputStream in = SpecSchema.class.getResourceAsStream(SpecSchema.RESOURCE)) {
            assertNotNull(in, "schema is on the classpath (and so in the jar)");
            assertEquals(repo, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(repo, SpecSchema.text());
    }

    @Test
    void evaluationsMaximumIsTheCarriedStateLimit() {
        assertEquals(BudgetSpec.MAX_EVALUATIONS, S.at("/$defs/budget/properties/evaluations/maximum").asInt());
        assertTrue(S.at("/$defs/budget/properties/evaluations/description").asText()
                .contains(BudgetSpec.MAX_EVALUATIONS_TRAINED + " with the djl trainer"));
    }

    @Test
    void enumsMatchTheVocabulary() {
        assertEquals(SpecVocabulary.SPACE_TYPES, values(S.at("/$defs/space/properties/type/enum")));
        assertEquals(List.copyOf(SpecVocabulary.KERNELS), values(S.at("/$defs/space/properties/kernels/items/enum")));
        assertEquals(SpecVocabulary.ACTIVATIONS, values(S.at("/$defs/space/properties/activations/items/enum")));
        assertEquals(SpecVocabulary.MERGES, values(S.at("/$defs/space/properties/merge/items/enum")));
        assertEquals(SpecVocabulary.STRATEGY_TYPES, values(S.at("/$defs/strategy/properties/type/enum")));
        assertEquals(SpecVocabulary.OBJECTIVE_METRICS, values(S.at("/$defs/objective/properties/metric/enum")));
        assertEquals(SpecVocabulary.OBJECTIVE_METRICS, values(S.at("/$defs/constraint/properties/metric/enum")));
        assertEquals(SpecVocabulary.DIRECTIONS, values(S.at("/$defs/objective/properties/direction/enum")));
        assertEquals(SpecVocabulary.STOPPING_RULES, values(S.at("/$defs/stopping/properties/rule/enum")));
        assertEquals(SpecVocabulary.STOPPING_METRICS, values(S.at("/$defs/stopping/properties/metric/enum")));
        assertEquals(SpecVocabulary.TRAINER_TYPES, values(S.at("/$defs/trainer/properties/type/enum")));
        assertEquals(SpecVocabulary.NB201_DATASETS, values(S.at("/$defs/trainer/properties/dataset/enum")));
        assertEquals(SpecVocabulary.DEVICES, values(S.at("/$defs/trainer/properties/device/enum")));
        assertEquals(SpecVocabulary.DATA_FORMATS, values(S.at("/$defs/data/properties/format/enum")));
        for (JsonNode branch : S.at("/$defs/space/allOf")) {
            String type = branch.at("/if/properties/type/const").asText();
            JsonNode ops = branch.at("/then/properties/ops/items/enum");
            if (SpecVocabulary.OPS_BY_SPACE.containsKey(type)) {
                assertEquals(SpecVocabulary.OPS_BY_SPACE.get(type), values(ops), type);
            } else {
                assertEquals("nb201", type);
            }
        }
    }

    @Test
    void spaceFieldsPerTypeMatchTheSpaceFactory() {
        List<String> all = new ArrayList<>();
        S.at("/$defs/space/properties").fieldNames().forEachRemaining(all::add);
        all.remove("type");
        int branches = 0;
        for (JsonNode branch : S.at("/$defs/space/allOf")) {
            String type = branch.at("/if/properties/type/const").asText();
            List<String> allowed = new ArrayList<>(all);
            branch.at("/then/properties").fields().forEachRemaining(e -> {
                if (e.getValue().isBoolean() && !e.getValue().asBoolean()) {
                    allowed.remove(e.getKey());
                }
            });
            assertEquals(Set.copyOf(dev.nasflow.space.Spaces.fieldsOf(type)), Set.copyOf(allowed), type);
            branches++;
        }
        assertEquals(dev.nasflow.space.Spaces.TYPES.size(), branches);
        assertEquals(dev.nasflow.space.Spaces.MAX_CELL_NODES, S.at("/$defs/space/allOf/1/then/properties/nodes/maximum")
                .asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_DARTS_NODES,
                S.at("/$defs/space/allOf/2/then/properties/nodes/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_STAGES, S.at("/$defs/space/properties/stages/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_LAYERS, S.at("/$defs/space/properties/layers/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_CHANNELS, S.at("/$defs/space/properties/channels/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_CELLS_PER_STAGE,
                S.at("/$defs/space/properties/cellsPerStage/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_WIDTH, S.at("/$defs/space/properties/widths/items/maximum").asInt());
        assertEquals(dev.nasflow.space.Spaces.MAX_WIDTH_OPTIONS, S.at("/$defs/space/properties/widths/maxItems").asInt());
        assertEquals(dev.nasflow.space.MultiBranchSpace.MAX_PATHS,
                S.at("/$defs/space/properties/paths/maximum").asInt());
    }

    /** Each built-in strategy's branch in the file is the one its descriptor generates (what extensions get). */
    @Test
    void strategyBranchesAreTheDescriptorsBranches() {
        List<StrategyDescriptor> builtIn = Strategies.builtIn();
        JsonNode branches = S.at("/$defs/strategy/allOf");
        assertEquals(builtIn.size(), branches.size());
        for (int i = 0; i < builtIn.size(); i++) {
            assertEquals(SpecSchema.strategyBranch(builtIn.get(i)), branches.get(i), builtIn.get(i).name());
        }
    }

    @Test
    void strategyParamsMatchTheParamDefs() {
        Map<String, List<ParamDef>> defs = new java.util.LinkedHashMap<>();
        Strategies.builtIn().forEach(d -> defs.put(d.name(), d.params()));
        assertEquals(SpecVocabulary.STRATEGY_TYPES, List.copyOf(defs.keySet()));
        int branches = 0;
        for (JsonNode branch : S.at("/$defs/strategy/allOf")) {
            String type = branch.at("/if/properties/type/const").asText();
            JsonNode params = branch.at("/then/properties/params");
            assertFalse(params.get("additionalProperties").asBoolean(true), type);
            List<String> names = new ArrayList<>();
            params.get("properties").fieldNames().forEachRemaining(names::add);
            assertEquals(defs.get(type).stream().map(ParamDef::name).toList(), names, type);
            for (ParamDef d : defs.get(type)) {
                JsonNode p = params.get("properties").get(d.name());
                String where = type + "." + d.name();
                String jsonType = switch (d.kind()) {
                    case "int" -> "integer";
                    case "enum" -> "string";
                    default -> d.kind();
                };
                assertEquals(jsonType, p.get("type").asText(), where);
                if (d.min() != null) {
                    assertEquals(d.min(), p.get("minimum").asDouble(), where);
                    assertEquals(d.max(), p.get("maximum").asDouble(), where);
                }
                if ("enum".equals(d.kind())) {
                    assertEquals(d.values(), values(p.get("enum")), where);
                }
                assertEquals(String.valueOf(d.defaultValue()), p.get("default").isNumber() && "number".equals(d.kind())
                        ? String.valueOf(p.get("default").asDouble()) : p.get("default").asText(), where);
                assertFalse(d.doc().isBlank(), where);
                assertEquals(d.doc(), p.get("description").asText(), where);
            }
            branches++;
        }
        assertEquals(defs.size(), branches);
    }

    /** Each trainer's branch forbids exactly the other trainers' own fields; the heartbeat default is documented. */
    @Test
    void trainerFieldsMatchTheTrainerDescriptors() {
        int branches = 0;
        for (JsonNode branch : S.at("/$defs/trainer/allOf")) {
            TrainerDescriptor t = Trainers.descriptor(branch.at("/if/properties/type/const").asText());
            assertNotNull(t, branch.toString());
            List<String> forbidden = new ArrayList<>();
            branch.at("/then/properties").fields().forEachRemaining(e -> {
                if (e.getValue().isBoolean() && !e.getValue().asBoolean()) {
                    forbidden.add(e.getKey());
                }
            });
            List<String> others = new ArrayList<>();
            Trainers.all().stream().filter(o -> o != t).forEach(o -> others.addAll(o.fields()));
            others.removeAll(t.fields());
            assertEquals(Set.copyOf(others), Set.copyOf(forbidden), t.name());
            t.fields().forEach(f -> assertTrue(S.at("/$defs/trainer/properties").has(f), t.name() + "." + f));
            assertTrue(S.at("/$defs/trainer/properties/heartbeatTimeoutSeconds/description").asText()
                    .contains(t.heartbeatSeconds() + " (" + t.name() + ")"), t.name());
            branches++;
        }
        assertEquals(Trainers.all().size(), branches);
    }

    @Test
    void stoppingFieldsMatchTheStoppingRules() {
        JsonNode props = S.at("/$defs/stopping/properties");
        int branches = 0;
        for (JsonNode branch : S.at("/$defs/stopping/allOf")) {
            String rule = branch.at("/if/properties/rule/const").asText();
            List<String> allowed = new ArrayList<>();
            props.fieldNames().forEachRemaining(allowed::add);
            allowed.removeAll(List.of("rule", "metric"));
            branch.at("/then/properties").fieldNames().forEachRemaining(allowed::remove);
            List<ParamDef> defs = dev.nasflow.stopping.StoppingRules.params(rule);
            assertEquals(Set.copyOf(defs.stream().map(ParamDef::name).toList()), Set.copyOf(allowed), rule);
            assertEquals("none".equals(rule), branch.at("/then/properties/metric").isBoolean(), rule + ": metric");
            for (ParamDef d : defs) {
                JsonNode p = props.get(d.name());
                String where = rule + "." + d.name();
                assertEquals(switch (d.kind()) {
                    case "int" -> "integer";
                    case "enum" -> "string";
                    default -> d.kind();
                }, p.get("type").asText(), where);
                if (d.min() != null) {
                    // a field several rules share (confidence) has the widest bounds in the schema; the validator
                    // applies each rule's own (StoppingRules.validate)
                    double min = d.min();
                    double max = d.max();
                    for (String other : dev.nasflow.stopping.StoppingRules.NAMES) {
                        for (ParamDef o : dev.nasflow.stopping.StoppingRules.params(other)) {
                            if (o.name().equals(d.name()) && o.min() != null) {
                                min = Math.min(min, o.min());
                                max = Math.max(max, o.max());
                            }
                        }
                    }
                    assertEquals(min, p.has("minimum") ? p.get("minimum").asDouble() : null, where);
                    assertEquals(max, p.get("maximum").asDouble(), where);
                }
                if ("enum".equals(d.kind())) {
                    assertEquals(d.values(), values(p.get("enum")), where);
                }
            }
            branches++;
        }
        assertEquals(dev.nasflow.stopping.StoppingRules.NAMES.size(), branches);
    }

    @Test
    void everyObjectIsClosedAndEveryFieldDocumented() {
        List<String> problems = new ArrayList<>();
        check(S, "#", problems);
        S.get("$defs").fields().forEachRemaining(e -> check(e.getValue(), "#/$defs/" + e.getKey(), problems));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static void check(JsonNode schema, String at, List<String> problems) {
        if (!schema.has("properties")) {
            return;
        }
        if (!schema.has("additionalProperties") || schema.get("additionalProperties").asBoolean(true)) {
            problems.add(at + ": additionalProperties must be false");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = e.getValue();
            if (!p.has("$ref") && !p.has("description")) {
                problems.add(at + "/properties/" + e.getKey() + ": no description");
            }
            if ("string".equals(p.path("type").asText()) && !p.has("enum") && !p.has("maxLength")) {
                problems.add(at + "/properties/" + e.getKey() + ": unbounded string");
            }
            if ("array".equals(p.path("type").asText()) && !p.has("maxItems")
                    && !e.getKey().equals("ops")) {
                problems.add(at + "/properties/" + e.getKey() + ": unbounded list");
            }
            check(p, at + "/properties/" + e.getKey(), problems);
        }
    }
}
