package dev.nasflow.strategy;

import java.util.List;

/**
 * A search algorithm. Deterministic: its answers depend only on its {@link StrategyContext} (seed included) and the
 * sequence of {@link #propose}/{@link #observe} calls, so a workflow can rebuild it exactly by replaying that sequence.
 * Implementations use no clocks, threads, I/O or unseeded randomness.
 */
public interface Strategy {
    String name();

    /**
     * Up to {@code n} new candidates to evaluate. May return fewer (or none) when the algorithm must wait for results
     * (e.g. a synchronous rung) or has exhausted the space.
     */
    List<Proposal> propose(int n);

    /** Report the result of a proposal (completed, stopped early, failed...). */
    void observe(Observation observation);

    /**
     * Start from the results of earlier searches ({@code warmStart} in the spec), before the first {@link #propose}.
     * Each strategy uses them the way its algorithm allows (see {@code docs/SPEC.md}, warmStart); priors measured on
     * another task ({@link Prior#transferred()}) are used for ranking only. Deterministic like the rest: a strategy
     * rebuilt by replay gets the same priors first. The default ignores them.
     */
    default void warmStart(List<Prior> priors) {
    }

    /** True when the strategy will never propose again (e.g. grid enumerated everything). */
    default boolean exhausted() {
        return false;
    }
}
