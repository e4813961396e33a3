package dev.nasflow.api;


import dev.nasflow.carried.WarmStartPriors;
import java.util.List;

/** The answer of {@code LoadPriors}: the priors of a warm start, or every error (each naming its field and the fix). */
public record PriorCheck(WarmStartPriors priors, List<String> errors) {
    public PriorCheck {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
