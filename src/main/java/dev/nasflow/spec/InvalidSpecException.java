package dev.nasflow.spec;

import java.util.List;

/** A spec that failed validation; the message lists every error, one per line, as {@link SpecValidation#report()}. */
public class InvalidSpecException extends IllegalArgumentException {
    private final transient List<SpecError> errors;

    public InvalidSpecException(String source, List<SpecError> errors) {
        super(new SpecValidation(source, null, errors).report());
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}
