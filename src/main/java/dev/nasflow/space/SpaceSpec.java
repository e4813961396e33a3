package dev.nasflow.space;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The search-space section of a spec. {@code type} selects the family; the other fields apply per type (null = the
 * type's default):
 * <ul>
 *   <li>{@code nb201}: the NAS-Bench-201 cell space (no other fields).</li>
 *   <li>{@code cell}: a DAG cell of {@code nodes} nodes whose edges choose from {@code ops}, stacked in
 *       {@code stages} stages of {@code cellsPerStage} cells starting at {@code channels} channels.</li>
 *   <li>{@code darts}: a DARTS normal + reduction cell pair ({@code nodes} intermediate nodes, 2 inputs each,
 *       {@code ops}), {@code cellsPerStage} cells per stage, {@code channels} initial channels.</li>
 *   <li>{@code chain}: {@code layers} layers, each choosing one of {@code ops}, {@code kernels}, {@code widths},
 *       {@code activations}, and (when {@code skip}) whether it has a residual skip.</li>
 *   <li>{@code multi-branch}: {@code blocks} blocks of {@code paths} parallel paths, each path one of {@code ops},
 *       merged by one of {@code merge} ({@code add}, {@code concat}); block widths from {@code widths}.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpaceSpec(String type, Integer nodes, List<String> ops, Integer channels, Integer cellsPerStage,
                        Integer stages, Integer layers, List<Integer> kernels, List<Integer> widths,
                        List<String> activations, Boolean skip, Integer blocks, Integer paths, List<String> merge) {

    public static SpaceSpec nb201() {
        return new SpaceSpec("nb201", null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
