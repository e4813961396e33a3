package dev.nasflow.workflow;

import dev.nasflow.model.BudgetSpec;
import dev.nasflow.model.SearchSpec;

import java.util.ArrayList;
import java.util.List;

/** Checks and merges budget changes sent with the {@code setBudget} update. */
public final class BudgetRules {
    private BudgetRules() {
    }

    public static List<String> check(BudgetSpec b) {
        List<String> errors = new ArrayList<>();
        if (b == null) {
            errors.add("budget: required (send at least one of evaluations, simulatedSeconds, realSeconds, generations)");
            return errors;
        }
        positive(errors, "evaluations", b.evaluations());
        positive(errors, "simulatedSeconds", b.simulatedSeconds());
        positive(errors, "realSeconds", b.realSeconds());
        positive(errors, "generations", b.generations());
        positive(errors, "populationSize", b.populationSize());
        positive(errors, "maxConcurrent", b.maxConcurrent());
        if (b.queueAhead() != null && (b.queueAhead() < 0 || b.queueAhead() > 1024)) {
            errors.add("budget.queueAhead: must be in 0..1024, got " + b.queueAhead() + " (fix: 0 = none, e.g. 2)");
        }
        if (b.shardSize() != null && (b.shardSize() < BudgetSpec.MIN_SHARD_SIZE
                || b.shardSize() > BudgetSpec.MAX_SHARD_SIZE)) {
            errors.add("budget.shardSize: must be in " + BudgetSpec.MIN_SHARD_SIZE + ".." + BudgetSpec.MAX_SHARD_SIZE
                    + ", got " + b.shardSize() + " (fix: leave it out for " + BudgetSpec.DEFAULT_SHARD_SIZE + ")");
        }
        if (b.maxConcurrent() != null && b.maxConcurrent() > BudgetSpec.MAX_IN_FLIGHT) {
            errors.add("budget.maxConcurrent: must be at most " + BudgetSpec.MAX_IN_FLIGHT + ", got "
                    + b.maxConcurrent() + " (fix: run several searches)");
        }
        if (b.scheduling() != null) {
            errors.add("budget.scheduling: cannot change while the search runs (fix: leave it out of setBudget; "
                    + "start a new search to use another scheduling)");
        }
        if (b.evaluations() == null && b.simulatedSeconds() == null && b.realSeconds() == null
                && b.generations() == null && b.populationSize() == null && b.maxConcurrent() == null
                && b.queueAhead() == null && b.shardSize() == null) {
            errors.add("budget: empty (fix: set at least one field)");
        }
        return errors;
    }

    /** The evaluation limit of the spec's trainer ({@link BudgetSpec#maxEvaluations}) applied to a change. */
    public static List<String> checkLimit(SearchSpec spec, BudgetSpec change) {
        List<String> errors = new ArrayList<>();
        String trainer = spec.trainer() == null ? null : spec.trainer().type();
        int most = BudgetSpec.maxEvaluations(trainer);
        if (change.evaluations() != null && change.evaluations() > most) {
            errors.add("budget.evaluations: must be at most " + most + " with the " + trainer + " trainer, got "
                    + change.evaluations() + ": the results a search carries across continue-as-new would pass "
                    + "Temporal's 2 MB payload limit (fix: start another search for the rest)");
        }
        BudgetSpec merged = merge(spec.budget(), change);
        int inFlight = (merged.maxConcurrent() == null ? 1 : merged.maxConcurrent()) + merged.ahead();
        if (inFlight > (long) BudgetSpec.MAX_OPEN_SHARDS * merged.minShardBatch()) {
            errors.add("budget: maxConcurrent + queueAhead = " + inFlight + " would keep more than "
                    + BudgetSpec.MAX_OPEN_SHARDS + " shards open with shardSize " + merged.shards() + " (fix: raise "
                    + "budget.shardSize, at most " + BudgetSpec.MAX_SHARD_SIZE + ", or lower maxConcurrent)");
        }
        return errors;
    }

    private static void positive(List<String> errors, String field, Number v) {
        if (v != null && !(v.doubleValue() > 0)) {
            errors.add("budget." + field + ": must be > 0, got " + v + " (fix: use a positive number or omit it)");
        }
    }

    /** Fields present in {@code change} replace those of {@code current}. */
    public static BudgetSpec merge(BudgetSpec current, BudgetSpec change) {
        return new BudgetSpec(
                change.evaluations() != null ? change.evaluations() : current.evaluations(),
                change.simulatedSeconds() != null ? change.simulatedSeconds() : current.simulatedSeconds(),
                change.realSeconds() != null ? change.realSeconds() : current.realSeconds(),
                change.generations() != null ? change.generations() : current.generations(),
                change.populationSize() != null ? change.populationSize() : current.populationSize(),
                change.maxConcurrent() != null ? change.maxConcurrent() : current.maxConcurrent(),
                current.scheduling(),
                change.queueAhead() != null ? change.queueAhead() : current.queueAhead(),
                change.shardSize() != null ? change.shardSize() : current.shardSize());
    }
}
