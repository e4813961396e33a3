package dev.nasflow.docs;

import dev.nasflow.model.ParamDef;
import dev.nasflow.model.TrainerDescriptor;
import dev.nasflow.model.Trainers;
import dev.nasflow.stopping.StoppingRuleDescriptor;
import dev.nasflow.stopping.StoppingRules;
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
 * order, and parameters, and for each its kind, bounds (or values) and default; likewise its stopping table and the
 * stopping rules' descriptors ({@link StoppingRules#all()}), and its trainer table and the trainer descriptors
 * ({@link Trainers#all()}). A default changed in one place only fails here.
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

    // ---- stopping rules: docs/SPEC.md's stopping table (one row per field, the rules using it, per-rule values)

    /** The stopping table's rows by field: the cells rules, kind, bounds, default. */
    static Map<String, String[]> stoppingTable(List<String> lines) {
        int start = lines.indexOf("| field | rules | kind | bounds | default |");
        assertTrue(start >= 0, "docs/SPEC.md has no stopping table");
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] c = lines.get(i).split("\\|", -1);
            rows.put(strip(c[1]), new String[]{strip(c[2]), strip(c[3]), strip(c[4]), strip(c[5])});
        }
        return rows;
    }

    /** A cell's value for one rule: "median 4, curve 4" gives each rule its own, a plain cell applies to all. */
    static String forRule(String cell, String rule) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|, )" + rule + " (\\S+)").matcher(cell);
        String v = m.find() ? m.group(1) : cell.split(" ")[0];
        return v.endsWith(",") ? v.substring(0, v.length() - 1) : v;
    }

    /** Every difference between the stopping table and the rules' descriptors ({@link StoppingRules#all()}). */
    static List<String> stoppingDifferences(List<String> lines) {
        Map<String, String[]> doc = stoppingTable(lines);
        List<String> diffs = new ArrayList<>();
        String[] rule = doc.remove("rule");
        doc.remove("metric");
        if (rule == null || !List.of(rule[2].split(",\\s*")).equals(StoppingRules.NAMES)) {
            diffs.add("rule: values " + (rule == null ? "missing" : rule[2]) + " in the doc, " + StoppingRules.NAMES
                    + " in the code");
        }
        Map<String, List<StoppingRuleDescriptor>> byParam = new LinkedHashMap<>();
        for (StoppingRuleDescriptor d : StoppingRules.all()) {
            d.params().forEach(p -> byParam.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(d));
        }
        for (Map.Entry<String, List<StoppingRuleDescriptor>> e : byParam.entrySet()) {
            String field = e.getKey();
            String[] r = doc.remove(field);
            if (r == null) {
                diffs.add(field + ": undocumented");
                continue;
            }
            List<String> rules = e.getValue().stream().map(StoppingRuleDescriptor::name).toList();
            if (!List.of(r[0].split(",\\s*")).equals(rules)) {
                diffs.add(field + ": rules " + r[0] + " in the doc, " + rules + " in the code");
            }
            for (StoppingRuleDescriptor d : e.getValue()) {
                ParamDef p = d.params().stream().filter(x -> x.name().equals(field)).findFirst().orElseThrow();
                String key = d.name() + "." + field;
                if (!r[1].equals(p.kind())) {
                    diffs.add(key + ": kind " + r[1] + " in the doc, " + p.kind() + " in the code");
                }
                String def = forRule(r[3], d.name());
                if (!sameValue(def, p.defaultValue())) {
                    diffs.add(key + ": default " + def + " in the doc, " + p.defaultValue() + " in the code");
                }
                if (p.kind().equals("enum")) {
                    if (!List.of(r[2].split(",\\s*")).equals(p.values())) {
                        diffs.add(key + ": values " + r[2] + " in the doc, " + p.values() + " in the code");
                    }
                } else if (p.min() != null) {
                    String[] mm = forRule(r[2], d.name()).split("\\.\\.");
                    if (mm.length != 2 || !sameValue(mm[0], p.min()) || !sameValue(mm[1], p.max())) {
                        diffs.add(key + ": bounds " + r[2] + " in the doc, " + p.min() + ".." + p.max()
                                + " in the code");
                    }
                }
            }
        }
        doc.keySet().forEach(k -> diffs.add(k + ": in the doc, not in the code"));
        return diffs;
    }

    @Test
    void stoppingTableMatchesTheRules() throws IOException {
        List<String> diffs = stoppingDifferences(Files.readAllLines(Path.of("docs/SPEC.md")));
        assertTrue(diffs.isEmpty(), "docs/SPEC.md stopping table vs StoppingRules.all():\n  "
                + String.join("\n  ", diffs));
    }

    @Test
    void aStoppingDefaultChangedInTheDocOnlyIsCaught() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("docs/SPEC.md")));
        int i = lines.indexOf("| `margin` | pareto | number | 0..0.5 | 0 |");
        assertTrue(i >= 0, "pareto margin row not found");
        lines.set(i, "| `margin` | pareto | number | 0..0.4 | 0 |");
        int j = lines.indexOf("| `threshold` | curve, surrogate | number | 0.01..1 | curve 0.95, surrogate 1 |");
        assertTrue(j >= 0, "threshold row not found");
        lines.set(j, lines.get(j).replace("surrogate 1 |", "surrogate 0.9 |"));
        assertEquals(List.of("pareto.margin: bounds 0..0.4 in the doc, 0.0..0.5 in the code",
                "surrogate.threshold: default 0.9 in the doc, 1.0 in the code"), stoppingDifferences(lines).stream()
                .sorted().toList());
    }

    // ---- trainers: docs/SPEC.md's trainer table (a row per field, the types reading it)

    /** Every difference between the trainer table and the trainer descriptors ({@link Trainers#all()}). */
    static List<String> trainerDifferences(List<String> lines) {
        int start = lines.indexOf("| field | types | kind | bounds | default |");
        assertTrue(start >= 0, "docs/SPEC.md has no trainer table");
        Map<String, String[]> doc = new LinkedHashMap<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] c = lines.get(i).split("\\|", -1);
            doc.put(strip(c[1]), new String[]{strip(c[2]), c[4], strip(c[5])});
        }
        List<String> diffs = new ArrayList<>();
        String[] type = doc.remove("type");
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]+)` \\(").matcher(type == null ? "" : type[1]);
        while (m.find()) {
            names.add(m.group(1));
        }
        if (!names.equals(Trainers.NAMES)) {
            diffs.add("type: " + names + " in the doc, " + Trainers.NAMES + " in the code");
        }
        for (TrainerDescriptor t : Trainers.all()) {
            for (String f : t.fields()) {
                String[] r = doc.remove(f);
                if (r == null) {
                    diffs.add(t.name() + "." + f + ": undocumented");
                    continue;
                }
                if (!r[0].equals(t.name())) {
                    diffs.add(t.name() + "." + f + ": types " + r[0] + " in the doc");
                }
                Object def = t.defaults().get(f);
                if (def != null && !sameValue(r[2].split(" ")[0], def)) {
                    diffs.add(t.name() + "." + f + ": default " + r[2] + " in the doc, " + def + " in the code");
                }
            }
        }
        String[] heartbeat = doc.remove("heartbeatTimeoutSeconds");
        for (TrainerDescriptor t : Trainers.all()) {
            if (heartbeat == null || !heartbeat[2].contains(t.heartbeatSeconds() + " (" + t.name() + ")")) {
                diffs.add("heartbeatTimeoutSeconds: no default " + t.heartbeatSeconds() + " (" + t.name() + ")");
            }
        }
        doc.forEach((k, v) -> diffs.add(k + " (" + v[0] + "): in the doc, not a field of one trainer"));
        return diffs;
    }

    @Test
    void trainerTableMatchesTheTrainers() throws IOException {
        List<String> diffs = trainerDifferences(Files.readAllLines(Path.of("docs/SPEC.md")));
        assertTrue(diffs.isEmpty(), "docs/SPEC.md trainer table vs Trainers.all():\n  " + String.join("\n  ", diffs));
    }
}
