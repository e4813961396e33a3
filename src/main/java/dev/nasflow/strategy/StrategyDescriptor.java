package dev.nasflow.strategy;

import dev.nasflow.model.ParamCheck;
import dev.nasflow.model.ParamConflict;
import dev.nasflow.model.ParamDef;
import dev.nasflow.model.ParamValues;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything about one search strategy, declared once, as a {@code DESCRIPTOR} constant in the strategy's own file:
 * its spec name, its documented parameters (bounds and defaults), its traits, the factory that builds it from checked
 * parameters, and an optional rule between its parameters. The registry ({@link Strategies}), the spec vocabulary and
 * validation, the defaults, the strategy replay of the workflow, and (by tests) the JSON Schema and docs/SPEC.md all
 * read it.
 *
 * @param name    the {@code strategy.type} of a spec (lower case, e.g. {@code rea})
 * @param params  the parameters, in documentation order
 * @param traits  what the rest of nasflow needs to know about it
 * @param factory builds the strategy; null for a {@link Trait#ONE_SHOT} method (run by the supernet workflow)
 * @param check   a rule between parameters, checked after each one's bounds ({@link ParamCheck#NONE}: none)
 */
public record StrategyDescriptor(String name, List<ParamDef> params, Set<Trait> traits, Factory factory,
                                 ParamCheck check) {
    /** What the rest of nasflow needs to know about a strategy. */
    public enum Trait {
        /** Trains candidates at several fidelities ({@code fidelity.minEpochs} up to {@code epochs}). */
        MULTI_FIDELITY,
        /** A one-shot (weight-sharing) method: run by the supernet workflow on a darts space, no factory. */
        ONE_SHOT,
        /** Its proposals are made by the Propose activity (it consults the live surrogate service). */
        PROPOSES_IN_ACTIVITY,
        /** Enumerates the whole space (the validator bounds the space's size). */
        ENUMERATES_SPACE
    }

    /** Builds a strategy from its context, its checked parameters and the live surrogate (null: none). */
    @FunctionalInterface
    public interface Factory {
        Strategy create(StrategyContext ctx, ParamValues params, Predictor predictor);
    }

    public StrategyDescriptor {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("strategy name '" + name + "': use 1..32 of a-z, 0-9, -");
        }
        params = List.copyOf(params);
        traits = traits.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(traits));
        check = check == null ? ParamCheck.NONE : check;
        Set<String> names = new HashSet<>();
        for (ParamDef d : params) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("strategy '" + name + "': parameter '" + d.name() + "' twice");
            }
        }
        if ((factory == null) != traits.contains(Trait.ONE_SHOT)) {
            throw new IllegalArgumentException("strategy '" + name + "': a one-shot method has no factory, every other"
                    + " strategy has one");
        }
    }

    /** A multi-trial strategy: name, factory and parameters; add traits and a check with the withers. */
    public static StrategyDescriptor of(String name, Factory factory, ParamDef... params) {
        return new StrategyDescriptor(name, List.of(params), Set.of(), Objects.requireNonNull(factory, "factory"),
                ParamCheck.NONE);
    }

    /** A one-shot method (run by the supernet workflow): name and parameters. */
    public static StrategyDescriptor oneShot(String name, ParamDef... params) {
        return new StrategyDescriptor(name, List.of(params), Set.of(Trait.ONE_SHOT), null, ParamCheck.NONE);
    }

    public StrategyDescriptor with(Trait trait) {
        Set<Trait> t = EnumSet.of(trait);
        t.addAll(traits);
        return new StrategyDescriptor(name, params, t, factory, check);
    }

    public StrategyDescriptor withCheck(ParamCheck rule) {
        return new StrategyDescriptor(name, params, traits, factory, rule);
    }

    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    /** The conflict between these checked parameters, or null ({@link #check}). */
    public ParamConflict conflict(ParamValues values, Set<String> written) {
        return check.check(values, written);
    }
}
