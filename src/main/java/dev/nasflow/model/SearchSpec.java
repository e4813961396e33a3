package dev.nasflow.model;

import dev.nasflow.space.SpaceSpec;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * A search, as written in a spec file ({@code workflows/*.json}, schema {@code schema/search-spec.schema.json},
 * documented field by field in {@code docs/SPEC.md}). Obtain one through {@link SpecValidator}, which rejects bad input
 * with every error; call {@code Defaults.apply} (or use {@code SpecValidation#effective()}) before using it, so that
 * no optional section is null. Only {@link #data} stays null, exactly when the trainer is the {@code nb201} table.
 *
 * <p>Immutable and Jackson-serialisable (workflow input); JSON field names are the component names.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "seed", "space", "strategy", "budget", "objectives", "constraints", "fidelity",
        "stopping", "trainer", "data", "taskQueue", "artifacts", "warmStart"})
public record SearchSpec(String name, Long seed, SpaceSpec space, StrategySpec strategy, BudgetSpec budget,
                         List<Objective> objectives, List<Constraint> constraints, FidelitySpec fidelity,
                         StoppingSpec stopping, TrainerSpec trainer, DataSpec data, String taskQueue,
                         String artifacts, WarmStartSpec warmStart) {

    public SearchSpec {
        objectives = objectives == null ? null : List.copyOf(objectives);
        constraints = constraints == null ? null : List.copyOf(constraints);
    }

    /** A spec without a warm start (the layout before {@code warmStart} existed). */
    public SearchSpec(String name, Long seed, SpaceSpec space, StrategySpec strategy, BudgetSpec budget,
                      List<Objective> objectives, List<Constraint> constraints, FidelitySpec fidelity,
                      StoppingSpec stopping, TrainerSpec trainer, DataSpec data, String taskQueue, String artifacts) {
        this(name, seed, space, strategy, budget, objectives, constraints, fidelity, stopping, trainer, data,
                taskQueue, artifacts, null);
    }

    /** The same spec with another budget (the {@code setBudget} update). */
    public SearchSpec withBudget(BudgetSpec newBudget) {
        return new SearchSpec(name, seed, space, strategy, newBudget, objectives, constraints, fidelity, stopping,
                trainer, data, taskQueue, artifacts, warmStart);
    }

    /** The primary objective (leaderboard order): the first one, or {@code validAccuracy} maximized. */
    @JsonIgnore
    public Objective primary() {
        return objectives == null || objectives.isEmpty() ? Objective.DEFAULT : objectives.get(0);
    }

}
