package dev.nasflow.spec;

import dev.nasflow.model.SearchSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded random mutations of the example specs: validation never crashes and every error has a pointer and fix. */
class SpecRobustnessTest {
    static final SpecValidator V = BadSpecCorpusTest.VALIDATOR;
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void randomMutationsNeverCrashTheValidator() throws Exception {
        List<JsonNode> examples = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("workflows"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                examples.add(SpecJson.mapper().readTree(Files.readString(p)));
            }
        }
        Random rng = new Random(42);
        int valid = 0;
        for (int i = 0; i < 1500; i++) {
            JsonNode spec = examples.get(rng.nextInt(examples.size())).deepCopy();
            int mutations = 1 + rng.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(spec, rng);
            }
            String text = SpecJson.mapper().writeValueAsString(spec);
            SpecValidation v = V.validate(text, "mutant-" + i);
            for (SpecError e : v.errors()) {
                assertFalse(e.message().startsWith("internal error"), text + "\n" + v.report());
                assertFalse(e.hint().isBlank(), text + "\n" + e);
                assertTrue(e.pointer().isEmpty() || e.pointer().startsWith("/"), e.toString());
            }
            if (v.ok()) {
                valid++;
                SearchSpec eff = v.effective();
                assertTrue(V.validate(SpecJson.pretty(eff), "defaults of mutant-" + i).ok(),
                        "defaults of a valid spec are valid: " + text);
                assertEquals(eff, Defaults.apply(eff), "defaults are idempotent");
            }
        }
        assertTrue(valid > 0, "some mutants stay valid");
    }

    private static void mutate(JsonNode root, Random rng) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode c = containers.get(rng.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(rng.nextInt(names.size()));
            if (rng.nextInt(4) == 0) {
                o.remove(name);
            } else {
                o.set(name, randomValue(rng, o.get(name)));
            }
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            a.set(rng.nextInt(a.size()), randomValue(rng, null));
        }
    }

    private static JsonNode randomValue(Random rng, JsonNode old) {
        return switch (rng.nextInt(12)) {
            case 0 -> F.textNode("x");
            case 1 -> F.numberNode(-1);
            case 2 -> F.numberNode(0);
            case 3 -> F.numberNode(1e300);
            case 4 -> F.numberNode(0.5);
            case 5 -> F.booleanNode(true);
            case 6 -> F.nullNode();
            case 7 -> F.objectNode().put("type", "x");
            case 8 -> F.arrayNode().add(1);
            case 9 -> F.textNode("../etc");
            case 10 -> old != null && old.isNumber() ? F.numberNode(old.asDouble() * 2 + 1) : F.numberNode(3);
            default -> F.textNode("java.lang.Runtime");
        };
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }
}
