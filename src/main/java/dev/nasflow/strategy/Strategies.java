package dev.nasflow.strategy;

import dev.nasflow.model.ParamConflict;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.ParamValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The registry of search strategies: "the registry is the code". Each strategy declares itself once, in a
 * {@link StrategyDescriptor} constant in its own file; {@link #BUILT_IN} lists them, one line each. Everything else
 * reads the descriptors from here: the factory ({@link #create}, used by the workflow's strategy replay and the Propose
 * activity), the spec vocabulary, validation and defaults ({@code dev.nasflow.spec}); tests check the JSON Schema and
 * docs/SPEC.md against {@link #builtIn()}.
 *
 * <p>Extensions (a strategy outside this jar, or a test's) are added with {@link #register}: explicitly, by name,
 * before the process validates specs or runs workers (every worker that may replay a search must register the same
 * extensions, like any workflow code). A registered strategy is validated, defaulted and run exactly as a built-in
 * one; the JSON Schema lists it in {@code strategy.type} ({@code SpecSchema}).
 */
public final class Strategies {
    /** The built-in strategies, one line each, in documentation order (the one-shot methods last). */
    private static final List<StrategyDescriptor> BUILT_IN = List.of(
            RandomSearch.DESCRIPTOR,
            GridSearch.DESCRIPTOR,
            RegularizedEvolution.DESCRIPTOR,
            LocalSearch.DESCRIPTOR,
            Nsga2.DESCRIPTOR,
            Bananas.DESCRIPTOR,
            Asha.DESCRIPTOR,
            Hyperband.DESCRIPTOR,
            OneShot.DARTS_METHOD,
            OneShot.SPOS_METHOD);

    /** Registered extensions, in registration order; replaced whole (copy on write) under the class lock. */
    private static volatile List<StrategyDescriptor> extensions = List.of();

    private Strategies() {
    }

    /** A registration of an extension; closing it removes the strategy again (e.g. at the end of a test). */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Adds a strategy to the registry. Its name must be new, and it must be a multi-trial strategy (a factory): the
     * supernet workflow runs the built-in one-shot methods only.
     *
     * @throws IllegalArgumentException for a taken name or a one-shot descriptor
     */
    public static synchronized Registration register(StrategyDescriptor d) {
        Objects.requireNonNull(d, "descriptor");
        if (d.has(StrategyDescriptor.Trait.ONE_SHOT)) {
            throw new IllegalArgumentException("strategy '" + d.name() + "': one-shot methods cannot be registered"
                    + " (the supernet workflow runs " + String.join(", ", OneShot.paramDefs().keySet()) + " only)");
        }
        if (descriptor(d.name()) != null) {
            throw new IllegalArgumentException("strategy '" + d.name() + "' is already registered");
        }
        List<StrategyDescriptor> next = new ArrayList<>(extensions);
        next.add(d);
        extensions = List.copyOf(next);
        return () -> unregister(d);
    }

    private static synchronized void unregister(StrategyDescriptor d) {
        List<StrategyDescriptor> next = new ArrayList<>(extensions);
        next.remove(d);
        extensions = List.copyOf(next);
    }

    /** The built-in strategies, in documentation order: what the JSON Schema file and docs/SPEC.md list. */
    public static List<StrategyDescriptor> builtIn() {
        return BUILT_IN;
    }

    /** The registered extensions, in registration order (empty unless {@link #register} was called). */
    public static List<StrategyDescriptor> extensions() {
        return extensions;
    }

    /** Every strategy: the built-in ones, then the extensions. */
    public static List<StrategyDescriptor> all() {
        List<StrategyDescriptor> ext = extensions;
        if (ext.isEmpty()) {
            return BUILT_IN;
        }
        List<StrategyDescriptor> out = new ArrayList<>(BUILT_IN);
        out.addAll(ext);
        return List.copyOf(out);
    }

    /** The strategy named {@code type} (built-in, one-shot or extension), or null. */
    public static StrategyDescriptor descriptor(String type) {
        for (StrategyDescriptor d : all()) {
            if (d.name().equals(type)) {
                return d;
            }
        }
        return null;
    }

    /** The multi-trial strategies (those {@link #create} builds). */
    private static List<StrategyDescriptor> trial() {
        return all().stream().filter(d -> !d.has(StrategyDescriptor.Trait.ONE_SHOT)).toList();
    }

    /** Multi-trial strategy type → its parameters, in documentation order (types in registry order too). */
    public static Map<String, List<ParamDef>> paramDefs() {
        Map<String, List<ParamDef>> m = new LinkedHashMap<>();
        trial().forEach(d -> m.put(d.name(), d.params()));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Build the strategy {@code type} for the context, after checking its parameters: an unknown type or parameter, a
     * value of the wrong kind or out of bounds, or a conflict between parameters ({@link StrategyDescriptor#check})
     * throws {@link IllegalArgumentException} naming {@code strategy.type} or {@code strategy.params.NAME} and the
     * fix. Missing parameters take their defaults.
     */
    public static Strategy create(String type, StrategyContext ctx) {
        return create(type, ctx, null);
    }

    /**
     * As {@link #create(String, StrategyContext)}; surrogate-guided strategies consult {@code predictor} (the live
     * surrogate service) before their own model. Null = their own model only.
     */
    public static Strategy create(String type, StrategyContext ctx, Predictor predictor) {
        Objects.requireNonNull(ctx, "ctx");
        StrategyDescriptor d = type == null ? null : descriptor(type);
        if (d == null || d.has(StrategyDescriptor.Trait.ONE_SHOT)) {
            throw new IllegalArgumentException("strategy.type: unknown strategy '" + type + "'; use one of "
                    + String.join(", ", types()));
        }
        ParamValues p = new ParamValues(resolve(type, d.params(), ctx.params()));
        ParamConflict c = d.conflict(p, ctx.params().keySet());
        if (c != null) {
            throw new IllegalArgumentException(c.directText());
        }
        return d.factory().create(ctx, p, predictor);
    }

    /** Checked parameter values (Integer, Double, Boolean or String per kind), defaults filled in. */
    static Map<String, Object> resolve(String type, List<ParamDef> defs, Map<String, Object> given) {
        Map<String, ParamDef> byName = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            byName.put(d.name(), d);
        }
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("strategy.params." + name + ": unknown parameter of strategy '"
                        + type + "'; " + (defs.isEmpty() ? "it takes no parameters, remove it"
                        : "known: " + String.join(", ", byName.keySet()) + " (remove it or fix the spelling)"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamDef d : defs) {
            Object v = given.get(d.name());
            out.put(d.name(), v == null ? d.defaultValue() : check(d, v));
        }
        return out;
    }

    private static Object check(ParamDef d, Object v) {
        String field = "strategy.params." + d.name();
        switch (d.kind()) {
            case "int" -> {
                if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue())
                        || num.doubleValue() != Math.rint(num.doubleValue())) {
                    throw new IllegalArgumentException(field + ": must be an integer between " + d.min().intValue()
                            + " and " + d.max().intValue() + ", got " + describe(v));
                }
                double x = num.doubleValue();
                if (x < d.min() || x > d.max()) {
                    throw new IllegalArgumentException(field + ": " + describe(v) + " is out of range; use an integer"
                            + " between " + d.min().intValue() + " and " + d.max().intValue());
                }
                return (int) x;
            }
            case "number" -> {
                if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue())) {
                    throw new IllegalArgumentException(field + ": must be a number between " + fmt(d.min()) + " and "
                            + fmt(d.max()) + ", got " + describe(v));
                }
                double x = num.doubleValue();
                if (x < d.min() || x > d.max()) {
                    throw new IllegalArgumentException(field + ": " + describe(v) + " is out of range; use a number"
                            + " between " + fmt(d.min()) + " and " + fmt(d.max()));
                }
                return x;
            }
            case "boolean" -> {
                if (!(v instanceof Boolean b)) {
                    throw new IllegalArgumentException(field + ": must be true or false, got " + describe(v));
                }
                return b;
            }
            case "enum" -> {
                if (!(v instanceof String s) || !d.values().contains(s)) {
                    throw new IllegalArgumentException(field + ": must be one of " + String.join(", ", d.values())
                            + ", got " + describe(v));
                }
                return s;
            }
            default -> throw new IllegalStateException("unknown parameter kind " + d.kind());
        }
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    private static String describe(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    /** The names of the multi-trial strategy types, in registry order. */
    public static List<String> types() {
        return new ArrayList<>(trial().stream().map(StrategyDescriptor::name).toList());
    }
}
