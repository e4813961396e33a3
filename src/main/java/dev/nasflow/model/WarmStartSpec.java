package dev.nasflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Where a warm-started search takes its prior results from ({@code warmStart} in the spec; docs/SPEC.md): earlier
 * searches by workflow id ({@code searches}, read through their result or, while they run, their {@code snapshot}
 * query) and results files written by {@code nasflow search export-results} ({@code files}, JSON lines; paths as
 * {@code data.path}). Of all their results the best {@code top} by this search's primary objective are used. At least
 * one search or file.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"searches", "files", "top"})
public record WarmStartSpec(List<String> searches, List<String> files, Integer top) {
    /** Prior results used at most (the best ones) when {@code top} is not given. */
    public static final int DEFAULT_TOP = 200;
    /** Largest {@code top}: the priors travel with the search across continue-as-new. */
    public static final int MAX_TOP = 2_000;
    public static final int MAX_SOURCES = 16;

    public WarmStartSpec {
        searches = searches == null ? null : List.copyOf(searches);
        files = files == null ? null : List.copyOf(files);
    }

    /** This section with its defaults: empty lists for absent ones, {@code top} {@value #DEFAULT_TOP}. */
    public WarmStartSpec withDefaults() {
        return new WarmStartSpec(searches == null ? List.of() : searches, files == null ? List.of() : files,
                top == null ? DEFAULT_TOP : top);
    }
}
