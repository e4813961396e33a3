package dev.nasflow.bench;

import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;

/** Builds a fresh strategy of a named type for one run ({@code Strategies::create} in production). */
@FunctionalInterface
public interface StrategyFactory {
    Strategy create(String type, StrategyContext context);
}
