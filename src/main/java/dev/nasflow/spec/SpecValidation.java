package dev.nasflow.spec;

import dev.nasflow.model.SearchSpec;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of {@link SpecValidator}: the spec as written ({@code spec}, null unless there are no errors) and every
 * error found, ordered by pointer. {@link #effective()} is the spec with defaults, the form searches run.
 */
public record SpecValidation(String source, SearchSpec spec, List<SpecError> errors) {
    public SpecValidation {
        errors = List.copyOf(errors);
        if (!errors.isEmpty()) {
            spec = null;
        }
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** The valid spec with every default applied; throws {@link InvalidSpecException} listing the errors otherwise. */
    public SearchSpec effective() {
        return Defaults.apply(orThrow());
    }

    /** The valid spec as written; throws {@link InvalidSpecException} listing the errors otherwise. */
    public SearchSpec orThrow() {
        if (!ok()) {
            throw new InvalidSpecException(source, errors);
        }
        return spec;
    }

    /** One line per error: {@code SOURCE: /pointer: message (fix: hint)}; {@code SOURCE: ok} when valid. */
    public String report() {
        if (ok()) {
            return source + ": ok";
        }
        return errors.stream().map(e -> source + ": " + e).collect(Collectors.joining("\n"));
    }
}
