package dev.nasflow.spec;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.Constraint;
import dev.nasflow.model.DataSpec;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.model.Objective;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SpaceSpec;
import dev.nasflow.model.StoppingSpec;
import dev.nasflow.model.StrategySpec;
import dev.nasflow.model.TrainerSpec;
import dev.nasflow.model.WarmStartSpec;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates search specs and reports every error, each with its JSON pointer and a fix. Stages, in order (for one
 * pointer only the first stage's errors are kept):
 * <ol>
 *   <li>JSON syntax (strict: no comments, trailing commas, duplicate keys or trailing content; line and column).
 *       A syntax error ends validation.</li>
 *   <li>Safety: no string names a class, a command, a URL or carries control characters ({@link SafeText}); paths
 *       obey the {@link PathPolicy}.</li>
 *   <li>The JSON Schema ({@link SpecSchema}): unknown fields (with "did you mean"), types, closed enums, bounds,
 *       per-type fields.</li>
 *   <li>Semantics across fields, on the spec with defaults ({@link SemanticChecks}): strategy params, objectives,
 *       constraint satisfiability, fidelity, trainer/space/data fit, budget, grid size, stopping rule.</li>
 * </ol>
 * A member whose value is JSON {@code null} counts as absent (default applies). Instances are thread-safe; the
 * validation itself is deterministic given the {@link PathPolicy} and {@link SpaceFacts}.
 */
public final class SpecValidator {
    /** Members holding a path, and what they name. */
    static final Map<String, PathPolicy.Kind> PATH_FIELDS = Map.of(
            "/data/path", PathPolicy.Kind.DATA,
            "/trainer/recipe", PathPolicy.Kind.RECIPE,
            "/artifacts", PathPolicy.Kind.ARTIFACTS);

    private final PathPolicy paths;
    private final SpaceFacts spaces;

    /** A validator with the environment's {@link PathPolicy} and the {@link DefaultSpaceFacts}. */
    public SpecValidator() {
        this(PathPolicy.fromEnvironment(), new DefaultSpaceFacts());
    }

    public SpecValidator(PathPolicy paths, SpaceFacts spaces) {
        this.paths = paths;
        this.spaces = spaces;
    }

    public PathPolicy paths() {
        return paths;
    }

    /** Reads and validates a spec file; the file name is the source. */
    public SpecValidation validate(Path file) {
        String source = file.toString();
        try {
            if (Files.isDirectory(file)) {
                return failed(source, "is a directory, not a spec file", "give a .json spec file");
            }
            if (Files.size(file) > 4L * SpecJson.MAX_CHARS) {
                return failed(source, "the file is larger than " + SpecJson.MAX_CHARS + " characters",
                        "a spec is a small JSON document; check that this is the right file");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return validate(text, source);
        } catch (NoSuchFileException e) {
            return failed(source, "cannot read the file: it does not exist", "check the file name");
        } catch (CharacterCodingException e) {
            return failed(source, "the file is not UTF-8 text", "save the spec as UTF-8 JSON");
        } catch (IOException e) {
            return failed(source, "cannot read the file: " + e, "check the file and its permissions");
        }
    }

    private static SpecValidation failed(String source, String message, String hint) {
        return new SpecValidation(source, null, List.of(new SpecError("", message, hint)));
    }

    /** Validates spec text (JSON); {@code source} names it in reports (a file name, "workflow input", ...). */
    public SpecValidation validate(String json, String source) {
        if (json == null || json.isBlank()) {
            return failed(source, "the spec is empty", "write a JSON object, see workflows/quickstart.json");
        }
        if (json.length() > SpecJson.MAX_CHARS) {
            return failed(source, "the spec is larger than " + SpecJson.MAX_CHARS + " characters",
                    "a spec is a small JSON document; check that this is the right file");
        }
        String text = json.startsWith("\ufeff") ? json.substring(1) : json;
        JsonNode tree;
        try {
            tree = SpecJson.readTree(text);
        } catch (SpecJson.TrailingContentException e) {
            return new SpecValidation(source, null, List.of(new SpecError("", "invalid JSON at " + where(e.location)
                    + ": unexpected content after the end of the spec object",
                    "remove everything after the closing '}' (one JSON object per file)")));
        } catch (JsonProcessingException e) {
            return new SpecValidation(source, null, List.of(syntaxError(e)));
        } catch (IOException e) {
            return failed(source, "cannot parse the spec: " + e.getMessage(), "check the file");
        }
        return validate(tree, source);
    }

    /**
     * Validates a spec that was already deserialised (e.g. a workflow's input). Unknown fields were dropped by the
     * deserialiser, so prefer {@link #validate(JsonNode, String)} on the raw input where it is available.
     */
    public SpecValidation validate(SearchSpec spec, String source) {
        if (spec == null) {
            return failed(source, "no spec given", "pass a search spec");
        }
        return validate(SpecJson.mapper().valueToTree(spec), source);
    }

    /** Validates a parsed JSON document. */
    public SpecValidation validate(JsonNode document, String source) {
        if (document == null || !document.isObject()) {
            return failed(source, "the spec must be a JSON object { ... } (found "
                            + (document == null ? "nothing" : document.getNodeType().toString().toLowerCase()) + ")",
                    "write the spec as one JSON object, see workflows/quickstart.json");
        }
        JsonNode tree = withoutNulls(document);
        List<SpecError> safety = new ArrayList<>();
        walkStrings(tree, "", safety);
        List<SpecError> schema = new ArrayList<>();
        SpecSchema.Effective effective = SpecSchema.effective();
        for (ValidationMessage m : effective.schema().validate(tree)) {
            schema.add(effective.errors().map(m, tree));
        }
        schema.sort(Comparator.comparing(SpecError::pointer));
        List<SpecError> errors = merge(betterHints(safety, schema), schema);
        Set<String> errorPointers = new HashSet<>();
        for (SpecError e : errors) {
            errorPointers.add(e.pointer());
        }
        SearchSpec written = bind(withoutErrors(tree, errorPointers), errorPointers);
        List<SpecError> semantic = new ArrayList<>();
        try {
            SemanticChecks.run(tree, written, errorPointers, spaces, semantic);
        } catch (RuntimeException e) {
            semantic.add(new SpecError("", "internal error while checking the spec: " + e,
                    "report this as a nasflow bug, with the spec"));
        }
        errors = merge(errors, semantic);
        errors.sort(Comparator.comparing(SpecError::pointer)); // stable: stage order kept within a pointer
        return new SpecValidation(source, errors.isEmpty() ? written : null, dedupe(errors));
    }

    // ---- stages

    private void walkStrings(JsonNode node, String ptr, List<SpecError> out) {
        if (node.isTextual()) {
            PathPolicy.Kind kind = PATH_FIELDS.get(ptr);
            if (kind == null && ptr.matches("/warmStart/files/\\d+")) {
                kind = PathPolicy.Kind.DATA; // a results file: read like data, from the same roots
            }
            Optional<SafeText.Finding> f = kind != null ? paths.check(node.asText(), kind)
                    : SafeText.inspect(node.asText());
            f.ifPresent(x -> out.add(new SpecError(ptr, x.message(), x.hint())));
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walkStrings(e.getValue(), ptr + "/" + SchemaErrorMapper.escape(e.getKey()), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walkStrings(node.get(i), ptr + "/" + i, out);
            }
        }
    }

    /**
     * The spec as written, section by section, from a tree whose erroneous members were removed; a section that
     * still cannot be bound is left null and recorded in {@code errorPointers}.
     */
    private static SearchSpec bind(JsonNode tree, Set<String> errorPointers) {
        return new SearchSpec(
                section(tree, "name", String.class, errorPointers),
                section(tree, "seed", Long.class, errorPointers),
                section(tree, "space", SpaceSpec.class, errorPointers),
                strategy(tree, errorPointers),
                section(tree, "budget", BudgetSpec.class, errorPointers),
                list(tree, "objectives", new TypeReference<List<Objective>>() { }, errorPointers),
                list(tree, "constraints", new TypeReference<List<Constraint>>() { }, errorPointers),
                section(tree, "fidelity", FidelitySpec.class, errorPointers),
                section(tree, "stopping", StoppingSpec.class, errorPointers),
                section(tree, "trainer", TrainerSpec.class, errorPointers),
                section(tree, "data", DataSpec.class, errorPointers),
                section(tree, "taskQueue", String.class, errorPointers),
                section(tree, "artifacts", String.class, errorPointers),
                section(tree, "warmStart", WarmStartSpec.class, errorPointers));
    }

    private static <T> T section(JsonNode tree, String name, Class<T> type, Set<String> errorPointers) {
        JsonNode n = tree.get(name);
        if (n == null) {
            return null;
        }
        try {
            return SpecJson.mapper().treeToValue(n, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            errorPointers.add("/" + name);
            return null;
        }
    }

    private static <T> List<T> list(JsonNode tree, String name, TypeReference<List<T>> type,
                                    Set<String> errorPointers) {
        JsonNode n = tree.get(name);
        if (n == null) {
            return null;
        }
        try {
            List<T> l = SpecJson.mapper().readerFor(type).readValue(n);
            if (l.contains(null)) {
                errorPointers.add("/" + name);
                return null;
            }
            return l;
        } catch (IOException | IllegalArgumentException e) {
            errorPointers.add("/" + name);
            return null;
        }
    }

    /** Strategy with params converted to Integer / Long / Double / Boolean / String. */
    private static StrategySpec strategy(JsonNode tree, Set<String> errorPointers) {
        JsonNode n = tree.get("strategy");
        if (n == null || !n.isObject() || !n.path("type").isTextual()) {
            return null;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("params").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), scalar(e.getValue()));
        }
        return new StrategySpec(n.path("type").asText(), params);
    }

    static Object scalar(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToInt() ? (Object) v.intValue() : v.canConvertToLong() ? v.longValue() : v.doubleValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.asText();
    }

    // ---- helpers

    /**
     * A value refused for safety at a field with a closed set of values gets that set as its fix (taken from the
     * schema's "unknown ..." error at the same pointer); free-text fields get a field-specific example.
     */
    private static List<SpecError> betterHints(List<SpecError> safety, List<SpecError> schema) {
        List<SpecError> out = new ArrayList<>();
        for (SpecError e : safety) {
            String hint = e.hint();
            for (SpecError s : schema) {
                if (s.pointer().equals(e.pointer()) && s.message().startsWith("unknown ")) {
                    hint = s.hint();
                }
            }
            if (hint.equals(e.hint()) && FREE_TEXT_HINTS.containsKey(e.pointer())
                    && !e.message().contains("control character")) {
                hint = FREE_TEXT_HINTS.get(e.pointer());
            }
            out.add(new SpecError(e.pointer(), e.message(), hint));
        }
        return out;
    }

    private static final Map<String, String> FREE_TEXT_HINTS = Map.of(
            "/name", "use a plain id of lowercase letters, digits and '-', e.g. my-search",
            "/taskQueue", "use a plain Temporal task-queue name, e.g. nasflow");

    /** Keeps, for each pointer, only the errors of the earliest list that has one there. */
    private static List<SpecError> merge(List<SpecError> first, List<SpecError> later) {
        Set<String> seen = new HashSet<>();
        for (SpecError e : first) {
            seen.add(e.pointer());
        }
        List<SpecError> out = new ArrayList<>(first);
        for (SpecError e : later) {
            if (!seen.contains(e.pointer())) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<SpecError> dedupe(List<SpecError> errors) {
        List<SpecError> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SpecError e : errors) {
            if (seen.add(e.pointer() + "\u0000" + e.message())) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * A copy of {@code tree} without the members that have errors, so that the rest can still be bound and checked:
     * the member at each error pointer, or, for a pointer inside a list, the member holding the outermost list.
     */
    static JsonNode withoutErrors(JsonNode tree, Set<String> errorPointers) {
        JsonNode copy = tree.deepCopy();
        for (String p : errorPointers) {
            if (p.isEmpty()) {
                continue;
            }
            String[] tokens = p.substring(1).split("/", -1);
            JsonNode parent = copy;
            for (int i = 0; i < tokens.length && parent != null && parent.isObject(); i++) {
                String name = tokens[i].replace("~1", "/").replace("~0", "~");
                JsonNode child = parent.get(name);
                if (child == null || i == tokens.length - 1 || child.isArray()) {
                    ((ObjectNode) parent).remove(name);
                    break;
                }
                parent = child;
            }
        }
        return copy;
    }

    /** A copy of {@code node} without object members whose value is null (they mean "use the default"). */
    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = SpecJson.mapper().createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    o.set(e.getKey(), withoutNulls(e.getValue()));
                }
            }
            return o;
        }
        if (node.isArray()) {
            var a = SpecJson.mapper().createArrayNode();
            node.forEach(x -> a.add(withoutNulls(x)));
            return a;
        }
        return node;
    }

    private static SpecError syntaxError(JsonProcessingException e) {
        String pointer = "";
        if (e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null) {
            pointer = p.getParsingContext().pathAsPointer().toString();
        }
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        original = original.replaceAll("\\s*\\(start marker at \\[[^]]*]\\)", "")
                .replaceAll(",? from `[A-Za-z_.()]+`", "")
                .replaceAll(": enable `[A-Za-z_.]+` to allow", "")
                .replaceAll("\\s*\\n.*", "");
        String hint;
        if (e instanceof StreamConstraintsException) {
            hint = "the spec nests too deep or holds an oversized number or string; simplify it";
        } else if (original.startsWith("Duplicate field")) {
            hint = "write each field once";
        } else if (original.contains("end-of-input")) {
            hint = "close every '{' and '[' and finish the document";
        } else if (original.contains("Non-standard token")) {
            hint = "use a finite number; NaN and Infinity are not JSON";
        } else if (original.contains("double-quote") || original.contains("was expecting comma")
                || original.contains("Unexpected character")) {
            hint = "strict JSON: names and strings in double quotes, no comments, no trailing commas";
        } else {
            hint = "fix the JSON syntax at that position (strict JSON, no comments)";
        }
        String at = e.getLocation() == null ? "" : " at " + where(e.getLocation());
        return new SpecError(pointer, "invalid JSON" + at + ": " + original, hint);
    }

    private static String where(JsonLocation l) {
        return l == null ? "unknown position" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }
}
