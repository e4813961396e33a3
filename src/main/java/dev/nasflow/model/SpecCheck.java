package dev.nasflow.model;


import java.util.List;

/** Result of validating a spec: the spec with defaults applied, or every error ("pointer: message (fix: hint)"). */
public record SpecCheck(SearchSpec spec, List<String> errors) {
    public SpecCheck {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty() && spec != null;
    }
}
