package dev.nasflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns json-schema-validator messages into {@link SpecError}s with plain wording and a fix. */
final class SchemaErrorMapper {
    private static final Pattern TYPE_BRANCH =
            Pattern.compile("^(.*)/allOf/(\\d+)/then/properties/([^/]+)(?:/.*)?$");

    /** The noun for an enum-valued field, by its last pointer token. */
    private static final Map<String, String> ENUM_NOUN = Map.ofEntries(
            Map.entry("/space/type", "space type"), Map.entry("/strategy/type", "strategy"),
            Map.entry("/trainer/type", "trainer"), Map.entry("/stopping/rule", "stopping rule"),
            Map.entry("/stopping/metric", "stopping metric"), Map.entry("/trainer/dataset", "nb201 dataset"),
            Map.entry("/trainer/device", "device"), Map.entry("/data/format", "data format"),
            Map.entry("/strategy/params/acquisition", "acquisition function"));

    private final JsonNode schema;
    /** field name → pointers (with {@code N} for array items) where the schema defines it. */
    private final Map<String, Set<String>> fieldHomes = new LinkedHashMap<>();

    SchemaErrorMapper(JsonNode schema) {
        this.schema = schema;
        collectHomes(schema, "", 0);
    }

    SpecError map(ValidationMessage m, JsonNode root) {
        String inst = m.getInstanceLocation().toString();
        String loc = fragment(m);
        JsonNode value = root.at(inst);
        String type = m.getType();
        return switch (type) {
            case "type" -> typeError(inst, loc, value, m.getArguments());
            case "enum" -> enumError(inst, loc, value, root);
            case "required" -> required(inst, loc, m.getProperty());
            case "additionalProperties" -> unknownField(inst, loc, m.getProperty(), root);
            case "false" -> notApplicable(inst, loc, root);
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> range(inst, loc, value, type);
            case "minLength", "maxLength" -> length(inst, loc, value, type);
            case "pattern" -> new SpecError(inst, "has characters not allowed here (" + describe(value) + ")",
                    describeField(parent(loc)));
            case "minItems" -> minItems(inst, loc);
            case "maxItems" -> new SpecError(inst, "has " + value.size() + " items; at most "
                    + schemaAt(loc).asInt() + " are allowed", "remove some; " + describeField(parent(loc)));
            case "uniqueItems" -> new SpecError(inst, "lists a value twice", "list each value once");
            case "maxProperties" -> new SpecError(inst, "has " + value.size() + " entries; at most "
                    + schemaAt(loc).asInt() + " are allowed", "remove the entries that are not documented");
            default -> new SpecError(inst, stripPointer(m.getMessage(), inst), describeField(parent(loc)));
        };
    }

    // ---- the kinds of error

    private SpecError typeError(String inst, String loc, JsonNode value, Object[] args) {
        String expected = args != null && args.length > 1 ? String.valueOf(args[1]) : schemaAt(loc).asText();
        String what = switch (expected) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            case "object" -> "an object { ... }";
            case "array" -> "a list [ ... ]";
            default -> expected;
        };
        JsonNode prop = schemaAt(parent(loc));
        String example = example(prop);
        String hint = (example.isEmpty() ? "write " + what : "write " + what + ", e.g. " + example)
                + (value.isTextual() && ("integer".equals(expected) || "number".equals(expected))
                ? " (without quotes)" : "");
        return new SpecError(inst, "must be " + what + " (found " + describe(value) + ")", hint);
    }

    private SpecError enumError(String inst, String loc, JsonNode value, JsonNode root) {
        List<String> allowed = new ArrayList<>();
        schemaAt(loc).forEach(n -> allowed.add(n.asText()));
        String shown = value.isTextual() ? SafeText.quote(value.asText()) : value.toString();
        String mean = value.isTextual() ? Suggest.didYouMean(value.asText(), allowed) : "";
        return new SpecError(inst, "unknown " + noun(inst, shown, root), mean + "use one of: "
                + String.join(", ", allowed));
    }

    /** "strategy 'x'", "op 'x' for space type 'cell'", ... */
    private String noun(String inst, String shown, JsonNode root) {
        String noun = ENUM_NOUN.get(inst);
        if (noun != null) {
            return noun + " " + shown;
        }
        String[] tokens = inst.split("/");
        String last = tokens.length == 0 ? "" : tokens[tokens.length - 1];
        String field = last.matches("\\d+") && tokens.length > 1 ? tokens[tokens.length - 2] : last;
        return switch (field) {
            case "ops" -> {
                JsonNode t = root.at("/space/type");
                yield "op " + shown + (t.isTextual() ? " for space type '" + t.asText() + "'" : "");
            }
            case "kernels" -> "kernel size " + shown;
            case "activations" -> "activation " + shown;
            case "merge" -> "merge mode " + shown;
            case "metric" -> "metric " + shown;
            case "direction" -> "direction " + shown;
            default -> "value " + shown + " for '" + field + "'";
        };
    }

    private SpecError required(String inst, String loc, String property) {
        String ptr = inst + "/" + property;
        JsonNode prop = resolve(schemaAt(parent(loc) + "/properties/" + property));
        String example = example(prop);
        String desc = prop.path("description").asText("");
        String hint = "add \"" + property + "\"" + (example.isEmpty() ? "" : ": " + example)
                + (desc.isEmpty() ? "" : " (" + desc + ")");
        return new SpecError(ptr, "required field is missing", hint);
    }

    /**
     * Names users of other tools write for a field of this spec (per section, normalised as {@link Suggest#key}): the
     * field meant, then why. Checked before spelling suggestions, which would point elsewhere (a strategy's
     * {@code candidates} parameter for a budget's {@code candidates}).
     */
    private static final Map<String, Map<String, String>> INTENT = Map.of(
            "/budget", Map.of(
                    "candidates", "evaluations (how many candidates the search evaluates)",
                    "trials", "evaluations (how many candidates the search evaluates)",
                    "maxtrials", "evaluations (how many candidates the search evaluates)",
                    "numtrials", "evaluations (how many candidates the search evaluates)",
                    "ntrials", "evaluations (how many candidates the search evaluates)",
                    "numsamples", "evaluations (how many candidates the search evaluates)",
                    "parallelism", "maxConcurrent (candidates trained at the same time)",
                    "concurrency", "maxConcurrent (candidates trained at the same time)",
                    "timeout", "realSeconds (wall-clock seconds of the search)"));

    private SpecError unknownField(String inst, String loc, String property, JsonNode root) {
        String ptr = inst + "/" + escape(property);
        JsonNode section = schemaAt(parent(loc));
        List<String> known = new ArrayList<>();
        section.path("properties").fieldNames().forEachRemaining(known::add);
        boolean params = inst.equals("/strategy/params");
        String quoted = SafeText.quote(property);
        if (params) {
            String st = root.at("/strategy/type").asText("?");
            String hint = known.isEmpty() ? "remove it; strategy '" + st + "' takes no parameters"
                    : Suggest.didYouMean(property, known) + "parameters of '" + st + "': " + String.join(", ", known);
            return new SpecError(ptr, "unknown parameter " + quoted + " of strategy '" + st + "'", hint);
        }
        String meant = INTENT.getOrDefault(inst, Map.of()).get(Suggest.key(property));
        String hint = meant != null && known.contains(meant.split(" ", 2)[0])
                ? "did you mean '" + meant.split(" ", 2)[0] + "'" + (meant.contains(" ") ? " " + meant.split(" ", 2)[1]
                : "") + "? " : Suggest.didYouMean(property, known);
        if (hint.isEmpty()) {
            Set<String> homes = fieldHomes.getOrDefault(property, Set.of());
            if (!homes.isEmpty()) {
                hint = "'" + property + "' belongs at " + String.join(" or ", homes) + "; move it there. ";
            }
        }
        hint += "fields allowed " + (inst.isEmpty() ? "at the top level" : "in " + inst) + ": "
                + String.join(", ", known);
        return new SpecError(ptr, "unknown field " + quoted, hint);
    }

    private SpecError notApplicable(String inst, String loc, JsonNode root) {
        Matcher mt = TYPE_BRANCH.matcher(loc);
        String field = lastToken(inst);
        if (!mt.matches()) {
            return new SpecError(inst, "field '" + field + "' is not allowed here", "remove it");
        }
        JsonNode section = schemaAt(mt.group(1));
        String disc = section.path("allOf").path(Integer.parseInt(mt.group(2))).path("if").path("properties")
                .fieldNames().next();
        String sectionName = lastToken(parentPointer(inst));
        String discValue = root.at(parentPointer(inst) + "/" + disc).asText("?");
        List<String> appliesTo = new ArrayList<>();
        for (JsonNode v : section.path("properties").path(disc).path("enum")) {
            boolean forbidden = false;
            for (JsonNode branch : section.path("allOf")) {
                if (branch.path("if").path("properties").path(disc).path("const").asText().equals(v.asText())
                        && branch.path("then").path("properties").path(field).isBoolean()
                        && !branch.path("then").path("properties").path(field).asBoolean()) {
                    forbidden = true;
                }
            }
            if (!forbidden) {
                appliesTo.add(v.asText());
            }
        }
        String kind = sectionName + " " + disc;
        return new SpecError(inst, "field '" + field + "' does not apply to " + kind + " '" + discValue + "'",
                "remove it" + (appliesTo.isEmpty() ? "" : " (it applies to " + kind + " " + String.join(", ", appliesTo)
                        + ")"));
    }

    private SpecError range(String inst, String loc, JsonNode value, String type) {
        JsonNode prop = schemaAt(parent(loc));
        String bound = num(schemaAt(loc));
        String msg = switch (type) {
            case "minimum" -> "must be at least " + bound;
            case "maximum" -> "must be at most " + bound;
            case "exclusiveMinimum" -> "must be greater than " + bound;
            default -> "must be less than " + bound;
        };
        return new SpecError(inst, msg + " (found " + describe(value) + ")", "use a value in " + interval(inst, prop));
    }

    private String interval(String inst, JsonNode prop) {
        JsonNode base = prop;
        String lo = prop.has("minimum") ? "[" + num(prop.get("minimum"))
                : prop.has("exclusiveMinimum") ? "(" + num(prop.get("exclusiveMinimum")) : "(-inf";
        String hi = prop.has("maximum") ? num(prop.get("maximum")) + "]"
                : prop.has("exclusiveMaximum") ? num(prop.get("exclusiveMaximum")) + ")" : "inf)";
        String desc = base.path("description").asText("");
        return lo + ", " + hi + (desc.isEmpty() ? "" : " (" + desc + ")");
    }

    private SpecError length(String inst, String loc, JsonNode value, String type) {
        int n = schemaAt(loc).asInt();
        String msg = "minLength".equals(type) ? "is empty" : "is too long (" + value.asText().length()
                + " characters; at most " + n + ")";
        return new SpecError(inst, msg, describeField(parent(loc)));
    }

    private SpecError minItems(String inst, String loc) {
        int n = schemaAt(loc).asInt();
        if ("/objectives".equals(inst)) {
            return new SpecError(inst, "is empty: a search needs at least one objective",
                    "add {\"metric\": \"validAccuracy\", \"direction\": \"maximize\"}, or remove objectives to get that default");
        }
        return new SpecError(inst, "needs at least " + n + " item" + (n == 1 ? "" : "s"), describeField(parent(loc)));
    }

    // ---- helpers

    private String describeField(String schemaLoc) {
        JsonNode prop = schemaAt(schemaLoc);
        String desc = prop.path("description").asText("");
        String example = example(prop);
        if (desc.isEmpty() && example.isEmpty()) {
            return "see docs/SPEC.md";
        }
        return (desc.isEmpty() ? "write" : desc) + (example.isEmpty() ? "" : ", e.g. " + example);
    }

    private static String example(JsonNode prop) {
        JsonNode ex = prop.path("examples").path(0);
        if (ex.isMissingNode()) {
            return "";
        }
        return ex.isNumber() ? num(ex) : ex.toString();
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "string " + SafeText.quote(v.asText());
        }
        if (v.isNumber()) {
            return num(v);
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isNull()) {
            return "null";
        }
        return v.asText();
    }

    static String num(JsonNode n) {
        if (n.isIntegralNumber()) {
            String s = n.bigIntegerValue().toString();
            return s.length() > 24 ? s.substring(0, 12) + "...(" + s.length() + " digits)" : s;
        }
        BigDecimal d = n.decimalValue().stripTrailingZeros();
        if (d.scale() < -15 || d.scale() > 15) {
            return d.toString();
        }
        return d.toPlainString();
    }

    private JsonNode schemaAt(String fragment) {
        return schema.at(fragment);
    }

    private static String fragment(ValidationMessage m) {
        String s = m.getSchemaLocation().toString();
        int hash = s.indexOf('#');
        return hash < 0 ? "" : s.substring(hash + 1);
    }

    /** The schema location of the keyword's owner (strip the keyword, and {@code /false} for false schemas). */
    private static String parent(String loc) {
        int i = loc.lastIndexOf('/');
        return i < 0 ? "" : loc.substring(0, i);
    }

    private static String parentPointer(String ptr) {
        int i = ptr.lastIndexOf('/');
        return i <= 0 ? "" : ptr.substring(0, i);
    }

    private static String lastToken(String ptr) {
        int i = ptr.lastIndexOf('/');
        return ptr.substring(i + 1).replace("~1", "/").replace("~0", "~");
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static String stripPointer(String message, String inst) {
        return message.startsWith(inst + ": ") ? message.substring(inst.length() + 2) : message;
    }

    private void collectHomes(JsonNode node, String ptr, int depth) {
        if (depth > 6) {
            return;
        }
        JsonNode n = resolve(node);
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isBoolean()) {
                continue;
            }
            String p = ptr + "/" + e.getKey();
            fieldHomes.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>()).add(p);
            JsonNode child = resolve(e.getValue());
            if (child.has("items")) {
                collectHomes(child.get("items"), p + "/N", depth + 1);
            } else {
                collectHomes(child, p, depth + 1);
            }
        }
        for (JsonNode branch : n.path("allOf")) {
            collectHomes(branch.path("then"), ptr, depth + 1);
        }
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        return ref.isTextual() && ref.asText().startsWith("#") ? schema.at(ref.asText().substring(1)) : node;
    }
}
