package dev.nasflow.carried;

import dev.nasflow.strategy.Observation;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyDescriptor;
import dev.nasflow.strategy.StrategyContext;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.SearchSpec;

import java.util.List;

/**
 * Rebuilds a strategy exactly by replaying the finished generations: for each, {@code propose(requested)} and then
 * {@code observe} of each result in candidate order — the same call sequence the live search made. Strategies are
 * deterministic functions of (seed, call sequence), so the rebuilt one proposes what the original would have.
 */
public final class StrategyReplay {
    private StrategyReplay() {
    }

    /** Strategies whose proposals come from the Propose activity (they use the live surrogate). */
    public static boolean usesProposeActivity(SearchSpec spec) {
        StrategyDescriptor d = Strategies.descriptor(spec.strategy().type());
        return d != null && d.has(StrategyDescriptor.Trait.PROPOSES_IN_ACTIVITY);
    }

    public static StrategyContext context(SearchSpec spec, SearchSpace space) {
        return new StrategyContext(space, spec.objectives(), spec.seed(), spec.strategy().params(),
                spec.fidelity().minEpochs(), spec.fidelity().epochs());
    }

    /**
     * Rebuilds the strategy of an asynchronous search: the calls of {@code log} in order, each observe with the
     * result of its candidate from {@code history}.
     */
    public static Strategy rebuildAsync(SearchSpec spec, SearchSpace space, List<GenerationRecord> history,
                                        ScheduleLog log) {
        return rebuildAsync(spec, space, null, history, log);
    }

    /** As {@link #rebuildAsync(SearchSpec, SearchSpace, List, ScheduleLog)}, warm-started from {@code priors} first. */
    public static Strategy rebuildAsync(SearchSpec spec, SearchSpace space, WarmStartPriors priors,
                                        List<GenerationRecord> history, ScheduleLog log) {
        Strategy s = create(spec, space, priors);
        java.util.Map<Long, CandidateResult> byPosition = new java.util.HashMap<>();
        for (GenerationRecord g : history) {
            for (CandidateResult r : g.results()) {
                byPosition.put(position(r.generation(), r.index()), r);
            }
        }
        for (ScheduleLog.Op op : log.ops()) {
            if (op.propose()) {
                s.propose(op.k());
            } else {
                CandidateResult r = byPosition.get(position(op.gen(), op.index()));
                if (r == null) {
                    throw new IllegalStateException("schedule log observes candidate g" + op.gen() + "-c"
                            + op.index() + ", which no carried record holds");
                }
                s.observe(Observation.of(r));
            }
        }
        return s;
    }

    /** A fresh strategy of the spec, given its warm-start priors (if any) before anything else. */
    static Strategy create(SearchSpec spec, SearchSpace space, WarmStartPriors priors) {
        Strategy s = Strategies.create(spec.strategy().type(), context(spec, space));
        if (priors != null && priors.count() > 0) {
            s.warmStart(priors.priors(space));
        }
        return s;
    }

    private static long position(int gen, int index) {
        return ((long) gen << 32) | (index & 0xffffffffL);
    }

    public static Strategy rebuild(SearchSpec spec, SearchSpace space, List<GenerationRecord> history) {
        return rebuild(spec, space, null, history);
    }

    /** As {@link #rebuild(SearchSpec, SearchSpace, List)}, warm-started from {@code priors} first. */
    public static Strategy rebuild(SearchSpec spec, SearchSpace space, WarmStartPriors priors,
                                   List<GenerationRecord> history) {
        Strategy s = create(spec, space, priors);
        for (GenerationRecord g : history) {
            s.propose(g.requested());
            g.results().forEach(r -> s.observe(Observation.of(r)));
        }
        return s;
    }
}
