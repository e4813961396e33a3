package dev.nasflow.cli;

import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;

import java.io.IOException;
import java.nio.file.Path;

/** The commands' common first step: a spec file validated, or its error report on stderr. */
final class ValidSpec {
    private ValidSpec() {
    }

    /** The effective (defaults applied) spec of {@code file}; null after printing the report when it is invalid. */
    static SearchSpec orReport(Path file) throws IOException {
        SpecValidation v = new SpecValidator().validate(file);
        if (!v.ok()) {
            System.err.println(v.report());
            return null;
        }
        return v.effective();
    }
}
