package dev.nasflow.spec;

import dev.nasflow.strategy.ParamDef;
import dev.nasflow.strategy.Strategies;

import java.util.List;
import java.util.Map;

/** The strategy parameter table the validator checks specs against: the strategy registry's own definitions. */
final class StrategyParams {
    private StrategyParams() {
    }

    static Map<String, List<ParamDef>> defs() {
        return Strategies.paramDefs();
    }
}
