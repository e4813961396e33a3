package dev.nasflow.docs;

import dev.nasflow.model.ParamDef;
import dev.nasflow.strategy.Strategies;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/SPEC.md's strategy table matches the one registry the validator and the strategies use
 * ({@link Strategies#builtIn()}, the multi-trial strategies and the one-shot methods): the same strategies, in the same
 * order, and parameters, and for each its kind, bounds (or values) and default. A default changed in one place only
 * fails here.
 */
class StrategyDocsTest {
    /** A row of the table: type, param, kind, bounds, default. */
    record Row(String type, String param, String kind, String bounds, String def) {
    }

    static Map<String, Row> table(List<String> lines) {
        Map<String, Row> rows = new LinkedHashMap<>();
        int start = lines.indexOf("| type | param | kind | bounds | default | meaning |");
        assertTrue(start >= 0, "docs/SPEC.md has no strategy table");
        String type = null;
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] c = lines.get(i).split("\\|", -1);
            String t = strip(c[1]);
            if (!t.isEmpty()) {
                type = t;
            }
            String param = strip(c[2]);
            rows.put(type + "." + param, new Row(type, param, strip(c[3]), strip(c[4]), strip(c[5])));
        }
        return rows;
    }

    static String strip(String cell) {
        return cell.trim().replace("`", "");
    }

    static Map<String, List<ParamDef>> registry() {
        Map<String, List<ParamDef>> all = new LinkedHashMap<>();
        Strategies.builtIn().forEach(d -> all.put(d.name(), d.params()));
        return all;
    }

    /** Every difference between the table and the registry. */
    static List<String> differences(List<String> lines) {
        Map<String, Row> doc = table(lines);
        List<String> diffs = new ArrayList<>();
        Map<String, List<ParamDef>> reg = registry();
        for (Map.Entry<String, List<ParamDef>> e : reg.entrySet()) {
            if (e.getValue().isEmpty() && !doc.containsKey(e.getKey() + ".—")) {
                diffs.add(e.getKey() + ": no row (a type without parameters has a row with param —)");
            }
            for (ParamDef d : e.getValue()) {
                String key = e.getKey() + "." + d.name();
                Row r = doc.remove(key);
                if (r == null) {
                    diffs.add(key + ": undocumented (kind " + d.kind() + ", default " + d.defaultValue() + ")");
                    continue;
                }
                if (!r.kind().equals(d.kind())) {
                    diffs.add(key + ": kind " + r.kind() + " in the doc, " + d.kind() + " in the code");
                }
                if (!sameValue(r.def(), d.defaultValue())) {
                    diffs.add(key + ": default " + r.def() + " in the doc, " + d.defaultValue() + " in the code");
                }
                if (d.kind().equals("enum")) {
                    List<String> values = List.of(r.bounds().split(",\\s*"));
                    if (!values.equals(d.values())) {
                        diffs.add(key + ": values " + values + " in the doc, " + d.values() + " in the code");
                    }
                } else if (d.min() != null) {
                    String range = r.bounds().split(",")[0].trim();
                    String[] mm = range.split("\\.\\.");
                    if (mm.length != 2 || !sameValue(mm[0], d.min()) || !sameValue(mm[1], d.max())) {
                        diffs.add(key + ": bounds " + r.bounds() + " in the doc, " + d.min() + ".." + d.max()
                                + " in the code");
                    }
                }
            }
            doc.remove(e.getKey() + ".—");
        }
        doc.keySet().forEach(k -> diffs.add(k + ": in the doc, not in the code"));
        List<String> docOrder = table(lines).values().stream().map(Row::type).distinct().toList();
        if (diffs.isEmpty() && !docOrder.equals(List.copyOf(reg.keySet()))) {
            diffs.add("order: " + docOrder + " in the doc, " + reg.keySet() + " in the registry");
        }
        return diffs;
    }

    static boolean sameValue(String doc, Object code) {
        if (code instanceof Number n) {
            try {
                return Double.parseDouble(doc.replace(",", "")) == n.doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return doc.equals(String.valueOf(code));
    }

    @Test
    void specTableMatchesTheRegistry() throws IOException {
        List<String> diffs = differences(Files.readAllLines(Path.of("docs/SPEC.md")));
        assertTrue(diffs.isEmpty(), "docs/SPEC.md strategy table vs Strategies.builtIn():\n  "
                + String.join("\n  ", diffs));
    }

    @Test
    void aDefaultChangedInTheDocOnlyIsCaught() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("docs/SPEC.md")));
        int i = lines.indexOf("| `rea` | `population` | int | 2..10000 | 30 | size of the aging population; the oldest "
                + "member dies when a child arrives |");
        assertTrue(i >= 0, "rea population row not found");
        lines.set(i, lines.get(i).replace("| 30 |", "| 10 |"));
        assertEquals(List.of("rea.population: default 10 in the doc, 30 in the code"), differences(lines));
    }
}
