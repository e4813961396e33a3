package dev.nasflow.space;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds search spaces from the spec's {@link SpaceSpec} and resolves the space ids stored in genomes.
 *
 * <p>Types and the fields each reads (null = default; docs/SPACES.md has the ranges):
 * <ul>
 *   <li>{@code nb201}: none (fixed NAS-Bench-201 space).</li>
 *   <li>{@code cell}: nodes (4), ops (NB201 ops), channels (16), cellsPerStage (5), stages (3). With every field
 *       at its default this is exactly NAS-Bench-201 and gets the id {@code nb201}.</li>
 *   <li>{@code darts}: nodes (4), ops (the 7 DARTS ops; {@code none} allowed for one-shot only), channels (16),
 *       cellsPerStage (2 normal cells per stage: 8 layers), stages (3).</li>
 *   <li>{@code chain}: layers (8), ops (conv, sepconv, mbconv3, mbconv6), kernels ([3, 5]), widths ([16, 32, 64]),
 *       activations ([relu, gelu, silu]; {@code swish} is read as {@code silu}), skip (true), channels (16, stem
 *       width), stages (3 resolutions).</li>
 *   <li>{@code multi-branch}: blocks (6), paths (3), ops ([none, skip_connect, nor_conv_1x1, nor_conv_3x3,
 *       sep_conv_3x3, avg_pool_3x3]), merge ([add, concat]), widths ([16, 32, 64]), channels (16), stages (3).</li>
 * </ul>
 *
 * <p>Space ids: a space built with every field at its type's default has the preset id ({@code nb201},
 * {@code darts}, {@code chain}, {@code multi-branch}); any other has the full id
 * {@code type(field=value;list=a,b;...)} listing every field of the type, in the order above. {@link #byId} accepts
 * both, so a genome's space can always be rebuilt from its id.
 *
 * <p>Errors: {@link #check} lists every problem, each starting with the field path ({@code space.ops[2]: ...}) and
 * saying the fix; {@link #create} throws an {@link IllegalArgumentException} whose message is those lines joined by
 * newlines (so it starts with the first field path).
 */
public final class Spaces {
    private Spaces() {
    }

    public static final String NB201 = "nb201";
    public static final String CELL = "cell";
    public static final String DARTS = "darts";
    public static final String CHAIN = "chain";
    public static final String MULTI_BRANCH = "multi-branch";
    public static final List<String> TYPES = List.of(NB201, CELL, DARTS, CHAIN, MULTI_BRANCH);

    /** Field names as they appear in the spec, in id order per type. */
    private static final Map<String, List<String>> FIELDS = Map.of(
            NB201, List.of(),
            CELL, List.of("nodes", "ops", "channels", "cellsPerStage", "stages"),
            DARTS, List.of("nodes", "ops", "channels", "cellsPerStage", "stages"),
            CHAIN, List.of("layers", "ops", "kernels", "widths", "activations", "skip", "channels", "stages"),
            MULTI_BRANCH, List.of("blocks", "paths", "ops", "merge", "widths", "channels", "stages"));

    public static final int MAX_CHANNELS = 1024;
    public static final int MAX_WIDTH = 4096;
    public static final int MAX_WIDTH_OPTIONS = 32;
    public static final int MAX_KERNEL = 11;
    public static final int MAX_LAYERS = 64;
    public static final int MAX_CELLS_PER_STAGE = 64;
    public static final int MAX_STAGES = 6;
    public static final int MAX_CELL_NODES = 6;
    public static final int MAX_DARTS_NODES = 8;

    /** One problem in a space section: the field path ({@code space.ops[2]}) and what is wrong plus the fix. */
    public record Problem(String field, String message) {
        /** The same field as a JSON pointer, e.g. {@code /space/ops/2}. */
        public String pointer() {
            return "/" + field.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
        }

        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** The space described by {@code spec}; throws {@link IllegalArgumentException} listing every problem. */
    public static SearchSpace create(SpaceSpec spec) {
        List<Problem> problems = check(spec);
        if (!problems.isEmpty()) {
            List<String> lines = problems.stream().map(Problem::toString).toList();
            throw new IllegalArgumentException(String.join("\n", lines));
        }
        return build(withDefaults(spec));
    }

    private static final Map<String, SearchSpace> BY_ID = new ConcurrentHashMap<>();

    /**
     * The space with this id: a preset name or a full id as produced by {@link SearchSpace#id()}. Spaces are immutable,
     * so the answer is cached per id.
     */
    public static SearchSpace byId(String id) {
        if (id != null) {
            SearchSpace cached = BY_ID.get(id);
            if (cached != null) {
                return cached;
            }
        }
        SearchSpace space = resolve(id);
        BY_ID.putIfAbsent(id, space);
        return space;
    }

    private static SearchSpace resolve(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("empty space id; use a preset (" + List.of(NB201, DARTS, CHAIN,
                    MULTI_BRANCH) + ") or a full id like 'chain(layers=8;...)'");
        }
        SpaceSpec spec;
        int open = id.indexOf('(');
        if (open < 0) {
            if (id.equals(CELL)) {
                throw new IllegalArgumentException("space id 'cell' is not an id: the default cell space is 'nb201'; "
                        + "other cell spaces have ids like 'cell(nodes=4;ops=...;...)'");
            }
            if (!TYPES.contains(id)) {
                throw new IllegalArgumentException("unknown space id '" + id + "'; presets: "
                        + List.of(NB201, DARTS, CHAIN, MULTI_BRANCH));
            }
            spec = emptySpec(id);
        } else {
            if (!id.endsWith(")")) {
                throw new IllegalArgumentException("space id '" + id + "' must end with ')'");
            }
            spec = parseId(id.substring(0, open), id.substring(open + 1, id.length() - 1), id);
        }
        SearchSpace space;
        try {
            space = create(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("space id '" + id + "' describes an invalid space: " + e.getMessage(),
                    e);
        }
        if (!space.id().equals(id)) {
            throw new IllegalArgumentException("space id '" + id + "' is not in canonical form; it is '" + space.id()
                    + "'");
        }
        return space;
    }

    /** The fields each type reads, in id order. */
    public static List<String> fieldsOf(String type) {
        List<String> f = FIELDS.get(type);
        if (f == null) {
            throw new IllegalArgumentException("unknown space type '" + type + "'; known: " + TYPES);
        }
        return f;
    }

    /** The spec with every null field of its type replaced by the default (and aliases normalised). */
    public static SpaceSpec withDefaults(SpaceSpec s) {
        String t = s.type();
        switch (t) {
            case NB201:
                return emptySpec(NB201);
            case CELL:
                return new SpaceSpec(CELL, or(s.nodes(), 4), or(s.ops(), CellSpace.NB201_OPS), or(s.channels(), 16),
                        or(s.cellsPerStage(), 5), or(s.stages(), 3), null, null, null, null, null, null, null, null);
            case DARTS:
                return new SpaceSpec(DARTS, or(s.nodes(), 4), or(s.ops(), DartsSpace.DARTS_OPS), or(s.channels(), 16),
                        or(s.cellsPerStage(), 2), or(s.stages(), 3), null, null, null, null, null, null, null, null);
            case CHAIN:
                List<String> acts = or(s.activations(), List.of("relu", "gelu", "silu")).stream()
                        .map(a -> "swish".equals(a) ? "silu" : a).toList();
                return new SpaceSpec(CHAIN, null, or(s.ops(), ChainSpace.CHAIN_OPS), or(s.channels(), 16), null,
                        or(s.stages(), 3), or(s.layers(), 8), or(s.kernels(), List.of(3, 5)),
                        or(s.widths(), List.of(16, 32, 64)), acts, or(s.skip(), true), null, null, null);
            case MULTI_BRANCH:
                return new SpaceSpec(MULTI_BRANCH, null,
                        or(s.ops(), List.of(Ops.NONE, Ops.SKIP, Ops.NOR_CONV_1X1, Ops.NOR_CONV_3X3, Ops.SEP_CONV_3X3,
                                Ops.AVG_POOL_3X3)),
                        or(s.channels(), 16), null, or(s.stages(), 3), null, null,
                        or(s.widths(), List.of(16, 32, 64)), null, null, or(s.blocks(), 6), or(s.paths(), 3),
                        or(s.merge(), MultiBranchSpace.MERGES));
            default:
                throw new IllegalArgumentException("space.type: unknown space type '" + t + "'; known: " + TYPES);
        }
    }

    private static <T> T or(T v, T def) {
        return v == null ? def : v;
    }

    private static SpaceSpec emptySpec(String type) {
        return new SpaceSpec(type, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Every problem of this space section; empty when {@link #create} will succeed. */
    public static List<Problem> check(SpaceSpec spec) {
        List<Problem> p = new ArrayList<>();
        if (spec == null) {
            p.add(new Problem("space", "missing; add a space section, e.g. {\"type\": \"nb201\"}"));
            return p;
        }
        String t = spec.type();
        if (t == null || t.isBlank()) {
            p.add(new Problem("space.type", "missing; set one of " + TYPES));
            return p;
        }
        if (!TYPES.contains(t)) {
            String hint = TYPES.stream().filter(k -> k.equalsIgnoreCase(t.replace('_', '-'))).findFirst()
                    .map(k -> " (did you mean '" + k + "'?)").orElse("");
            p.add(new Problem("space.type", "unknown space type '" + t + "'" + hint + "; known: " + TYPES));
            return p;
        }
        Map<String, Object> given = fieldValues(spec);
        List<String> reads = FIELDS.get(t);
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (e.getValue() != null && !reads.contains(e.getKey())) {
                String uses = reads.isEmpty()
                        ? "it is the fixed NAS-Bench-201 space (use type 'cell' to change nodes, ops, channels, "
                        + "cellsPerStage or stages)"
                        : "type '" + t + "' reads only " + reads;
                p.add(new Problem("space." + e.getKey(), "not used by type '" + t + "'; remove it (" + uses + ")"));
            }
        }
        switch (t) {
            case CELL -> {
                range(p, "nodes", spec.nodes(), 2, MAX_CELL_NODES, "cell nodes (node 0 = input, last = output)");
                names(p, "ops", spec.ops(), Ops.CELL_OPS, "op", 1);
                cellMacro(p, spec);
            }
            case DARTS -> {
                range(p, "nodes", spec.nodes(), 1, MAX_DARTS_NODES, "intermediate nodes");
                names(p, "ops", spec.ops(), Ops.CELL_OPS, "op", 1);
                if (spec.ops() != null && !spec.ops().isEmpty()
                        && spec.ops().stream().allMatch(o -> Ops.NONE.equals(o))) {
                    p.add(new Problem("space.ops", "only 'none'; a discrete DARTS cell needs real ops, e.g. "
                            + DartsSpace.DARTS_OPS));
                }
                cellMacro(p, spec);
            }
            case CHAIN -> {
                range(p, "layers", spec.layers(), 1, MAX_LAYERS, "layers");
                List<String> acts = spec.activations() == null ? null
                        : spec.activations().stream().map(a -> "swish".equals(a) ? "silu" : a).toList();
                names(p, "ops", spec.ops(), ChainSpace.CHAIN_OPS, "chain op", 1);
                kernels(p, spec.kernels());
                numbers(p, "widths", spec.widths(), 1, MAX_WIDTH, "width");
                names(p, "activations", acts, ChainSpace.ACTIVATIONS, "activation", 1);
                range(p, "channels", spec.channels(), 1, MAX_CHANNELS, "stem channels");
                range(p, "stages", spec.stages(), 1, MAX_STAGES, "resolution stages");
                depthVsStages(p, "layers", spec.layers(), 8, spec.stages());
            }
            case MULTI_BRANCH -> {
                range(p, "blocks", spec.blocks(), 1, MAX_LAYERS, "blocks");
                range(p, "paths", spec.paths(), 1, MultiBranchSpace.MAX_PATHS, "paths per block");
                names(p, "ops", spec.ops(), Ops.CELL_OPS, "op", 1);
                if (spec.ops() != null && !spec.ops().isEmpty()
                        && spec.ops().stream().allMatch(o -> Ops.NONE.equals(o))) {
                    p.add(new Problem("space.ops", "only 'none'; every block would cut the network; add a real op, "
                            + "e.g. " + Ops.NOR_CONV_3X3));
                }
                names(p, "merge", spec.merge(), MultiBranchSpace.MERGES, "merge", 1);
                numbers(p, "widths", spec.widths(), 1, MAX_WIDTH, "width");
                range(p, "channels", spec.channels(), 1, MAX_CHANNELS, "stem channels");
                range(p, "stages", spec.stages(), 1, MAX_STAGES, "resolution stages");
                depthVsStages(p, "blocks", spec.blocks(), 6, spec.stages());
            }
            default -> {
                // nb201: nothing to check beyond unused fields
            }
        }
        if (p.isEmpty()) {
            try {
                build(withDefaults(spec));
            } catch (IllegalArgumentException e) {
                p.add(new Problem("space", e.getMessage()));
            }
        }
        return p;
    }

    private static void cellMacro(List<Problem> p, SpaceSpec spec) {
        range(p, "channels", spec.channels(), 1, MAX_CHANNELS, "initial channels");
        range(p, "cellsPerStage", spec.cellsPerStage(), 1, MAX_CELLS_PER_STAGE, "cells per stage");
        range(p, "stages", spec.stages(), 1, MAX_STAGES, "stages");
    }

    private static void depthVsStages(List<Problem> p, String field, Integer depth, int defDepth, Integer stages) {
        int d = depth == null ? defDepth : depth;
        int s = stages == null ? 3 : stages;
        if (d >= 1 && s >= 1 && s <= MAX_STAGES && d < s) {
            p.add(new Problem("space.stages", s + " stages need at least " + s + " " + field + " (one stride-2 "
                    + "step between stages); lower stages or raise " + field + " (now " + d + ")"));
        }
    }

    private static void range(List<Problem> p, String field, Integer v, int min, int max, String what) {
        if (v != null && (v < min || v > max)) {
            p.add(new Problem("space." + field, v + " is out of range; " + what + " must be " + min + ".." + max));
        }
    }

    private static void names(List<Problem> p, String field, List<String> v, List<String> known, String what,
                              int minSize) {
        if (v == null) {
            return;
        }
        if (v.size() < minSize) {
            p.add(new Problem("space." + field, "empty; list at least one " + what + " from " + known
                    + " (or leave the field out for the default)"));
            return;
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String f = "space." + field + "[" + i + "]";
            String s = v.get(i);
            if (s == null) {
                p.add(new Problem(f, "null; give a " + what + " name from " + known));
            } else if (!known.contains(s)) {
                String near = known.stream().filter(k -> k.equalsIgnoreCase(s.replace('-', '_'))).findFirst()
                        .map(k -> " (did you mean '" + k + "'?)").orElse("");
                p.add(new Problem(f, "unknown " + what + " '" + s + "'" + near + "; known: " + known));
            } else if (seen.contains(s)) {
                p.add(new Problem(f, "duplicate '" + s + "'; list each " + what + " once"));
            }
            seen.add(s);
        }
    }

    private static void numbers(List<Problem> p, String field, List<Integer> v, int min, int max, String what) {
        if (v == null) {
            return;
        }
        if (v.isEmpty()) {
            p.add(new Problem("space." + field, "empty; list at least one " + what
                    + " (or leave the field out for the default)"));
            return;
        }
        if (v.size() > MAX_WIDTH_OPTIONS) {
            p.add(new Problem("space." + field, v.size() + " options; at most " + MAX_WIDTH_OPTIONS + " allowed"));
        }
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String f = "space." + field + "[" + i + "]";
            Integer n = v.get(i);
            if (n == null) {
                p.add(new Problem(f, "null; give a " + what + " between " + min + " and " + max));
            } else if (n < min || n > max) {
                p.add(new Problem(f, n + " is out of range; a " + what + " must be " + min + ".." + max));
            } else if (seen.contains(n)) {
                p.add(new Problem(f, "duplicate " + n + "; list each " + what + " once"));
            }
            seen.add(n);
        }
    }

    private static void kernels(List<Problem> p, List<Integer> v) {
        numbers(p, "kernels", v, 1, MAX_KERNEL, "kernel size");
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.size(); i++) {
            Integer k = v.get(i);
            if (k != null && k >= 1 && k <= MAX_KERNEL && k % 2 == 0) {
                p.add(new Problem("space.kernels[" + i + "]", k + " is even; kernel sizes must be odd (1, 3, 5, ...) "
                        + "so 'same' padding keeps the spatial size; use " + (k - 1) + " or " + (k + 1)));
            }
        }
    }

    private static Map<String, Object> fieldValues(SpaceSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", s.nodes());
        m.put("ops", s.ops());
        m.put("channels", s.channels());
        m.put("cellsPerStage", s.cellsPerStage());
        m.put("stages", s.stages());
        m.put("layers", s.layers());
        m.put("kernels", s.kernels());
        m.put("widths", s.widths());
        m.put("activations", s.activations());
        m.put("skip", s.skip());
        m.put("blocks", s.blocks());
        m.put("paths", s.paths());
        m.put("merge", s.merge());
        return m;
    }

    /** Builds the space of a fully defaulted, checked spec. */
    private static SearchSpace build(SpaceSpec s) {
        String id = idOf(s);
        return switch (s.type()) {
            case NB201 -> CellSpace.nb201();
            case CELL -> id.equals(NB201) ? CellSpace.nb201()
                    : new CellSpace(id, s.nodes(), s.ops(), s.channels(), s.cellsPerStage(), s.stages());
            case DARTS -> new DartsSpace(id, s.nodes(), s.ops(), s.channels(), s.cellsPerStage(), s.stages());
            case CHAIN -> new ChainSpace(id, s.layers(), s.ops(), s.kernels(), s.widths(), s.activations(), s.skip(),
                    s.channels(), s.stages());
            case MULTI_BRANCH -> new MultiBranchSpace(id, s.blocks(), s.paths(), s.ops(), s.merge(), s.widths(),
                    s.channels(), s.stages());
            default -> throw new IllegalArgumentException("space.type: unknown space type '" + s.type() + "'");
        };
    }

    /** The id of a fully defaulted spec: the preset name when every field is the default, else the full id. */
    private static String idOf(SpaceSpec s) {
        String t = s.type();
        if (t.equals(NB201)) {
            return NB201;
        }
        SpaceSpec defaults = withDefaults(emptySpec(t));
        if (s.equals(defaults)) {
            return t.equals(CELL) ? NB201 : t;
        }
        Map<String, Object> values = fieldValues(s);
        List<String> parts = new ArrayList<>();
        for (String f : FIELDS.get(t)) {
            Object v = values.get(f);
            String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                    : String.valueOf(v);
            parts.add(f + "=" + text);
        }
        return t + "(" + String.join(";", parts) + ")";
    }

    private static SpaceSpec parseId(String type, String body, String id) {
        List<String> reads = FIELDS.get(type);
        if (reads == null || type.equals(NB201)) {
            throw new IllegalArgumentException("space id '" + id + "': unknown parametrised type '" + type
                    + "'; known: " + List.of(CELL, DARTS, CHAIN, MULTI_BRANCH));
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : body.split(";", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0 || !reads.contains(part.substring(0, eq))) {
                throw new IllegalArgumentException("space id '" + id + "': bad part '" + part + "'; expected "
                        + "field=value with a field of " + reads);
            }
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        Function<String, Integer> i = f -> kv.containsKey(f) ? parseInt(kv.get(f), f, id) : null;
        Function<String, List<String>> ls = f -> kv.containsKey(f) ? List.of(kv.get(f).split(",", -1)) : null;
        Function<String, List<Integer>> li = f -> kv.containsKey(f)
                ? ls.apply(f).stream().map(x -> parseInt(x, f, id)).toList() : null;
        Boolean skip = null;
        if (kv.containsKey("skip")) {
            String v = kv.get("skip");
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("space id '" + id + "': skip must be true or false, got '" + v + "'");
            }
            skip = Boolean.valueOf(v);
        }
        return new SpaceSpec(type, i.apply("nodes"), ls.apply("ops"), i.apply("channels"), i.apply("cellsPerStage"),
                i.apply("stages"), i.apply("layers"), li.apply("kernels"), li.apply("widths"),
                ls.apply("activations"), skip, i.apply("blocks"), i.apply("paths"), ls.apply("merge"));
    }

    private static int parseInt(String s, String field, String id) {
        try {
            return Integer.parseInt(Objects.requireNonNull(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("space id '" + id + "': " + field + " value '" + s
                    + "' is not an integer");
        }
    }
}
