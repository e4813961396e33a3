package dev.nasflow.spec;

import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.ParamDef;
import dev.nasflow.strategy.Strategies;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strategy parameter table the validator checks specs against: the strategy registry's own definitions, then the
 * one-shot methods' ({@link OneShot}, run by the supernet workflow).
 */
final class StrategyParams {
    private static final Map<String, List<ParamDef>> ALL = merge();

    private StrategyParams() {
    }

    private static Map<String, List<ParamDef>> merge() {
        Map<String, List<ParamDef>> m = new LinkedHashMap<>(Strategies.paramDefs());
        m.putAll(OneShot.paramDefs());
        return Collections.unmodifiableMap(m);
    }

    static Map<String, List<ParamDef>> defs() {
        return ALL;
    }
}
