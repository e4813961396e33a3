package dev.nasflow.model;

import java.util.List;
import java.util.Map;

/**
 * Everything the search side needs to know about one training backend ({@code trainer.type}), declared once, in
 * {@link Trainers}. The backends themselves ({@code CandidateTrainer}s of the training layer) serve the name; the spec
 * vocabulary, the defaults, the budget limit and the heartbeat timeout read the rest; tests check the JSON Schema's
 * trainer section and docs/SPEC.md's trainer table against it.
 *
 * @param name             the {@code trainer.type}
 * @param summary          one line of documentation
 * @param fields           the {@code trainer} fields only this backend reads (the schema forbids them for the others)
 * @param defaults         defaults of some of those fields, applied by {@code Defaults}
 * @param trainsOnData     needs a {@code data} section (else one is not allowed)
 * @param defaultEpochs    {@code fidelity.epochs} when the spec sets none
 * @param heartbeatSeconds {@code trainer.heartbeatTimeoutSeconds} when the spec sets none
 * @param maxEvaluations   most {@code budget.evaluations} (what a search carries across continue-as-new, see
 *                         {@link BudgetSpec#MAX_EVALUATIONS})
 */
public record TrainerDescriptor(String name, String summary, List<String> fields, Map<String, Object> defaults,
                                boolean trainsOnData, int defaultEpochs, int heartbeatSeconds,
                                int maxEvaluations) {
    public TrainerDescriptor {
        fields = List.copyOf(fields);
        defaults = Map.copyOf(defaults);
        if (!fields.containsAll(defaults.keySet())) {
            throw new IllegalArgumentException("trainer '" + name + "': defaults of fields it does not have");
        }
    }
}
