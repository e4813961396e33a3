package dev.nasflow.spec;

import java.util.List;
import java.util.Map;

/**
 * The closed vocabularies of a search spec: every enum the JSON Schema ({@code schema/search-spec.schema.json})
 * lists, in one place. A test keeps the schema and these lists equal; spaces, trainers and strategies should use
 * these constants rather than repeating the names.
 */
public final class SpecVocabulary {
    private SpecVocabulary() {
    }

    public static final List<String> SPACE_TYPES = List.of("nb201", "cell", "darts", "chain", "multi-branch");

    /** Edge ops of a {@code cell} (NAS-Bench-201 family) space; {@code nb201} uses exactly these five. */
    public static final List<String> CELL_OPS =
            List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");

    /** Edge ops of a {@code darts} cell pair. */
    public static final List<String> DARTS_OPS = List.of("none", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
            "dil_conv_3x3", "dil_conv_5x5", "max_pool_3x3", "avg_pool_3x3");

    /** Layer ops of a {@code chain} space (the kernel size is its own decision, see {@link #KERNELS}). */
    public static final List<String> CHAIN_OPS =
            List.of("conv", "sep_conv", "dil_conv", "max_pool", "avg_pool", "identity");

    /** Path ops of a {@code multi-branch} space. */
    public static final List<String> MULTI_BRANCH_OPS = List.of("skip_connect", "conv_1x1", "conv_3x3", "conv_5x5",
            "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "max_pool_3x3", "avg_pool_3x3");

    /** Ops allowed in {@code space.ops}, per space type. */
    public static final Map<String, List<String>> OPS_BY_SPACE = Map.of(
            "cell", CELL_OPS, "darts", DARTS_OPS, "chain", CHAIN_OPS, "multi-branch", MULTI_BRANCH_OPS);

    public static final List<Integer> KERNELS = List.of(1, 3, 5, 7);
    public static final List<String> ACTIVATIONS = List.of("relu", "relu6", "gelu", "swish", "tanh", "sigmoid");
    public static final List<String> MERGES = List.of("add", "concat");

    public static final List<String> STRATEGY_TYPES =
            List.of("random", "grid", "rea", "local", "nsga2", "bananas", "asha", "hyperband");
    /** Strategies that evaluate candidates at several fidelities (need {@code fidelity.minEpochs < epochs}). */
    public static final List<String> MULTI_FIDELITY_STRATEGIES = List.of("asha", "hyperband");

    /** Metrics an objective or a constraint can name. */
    public static final List<String> OBJECTIVE_METRICS =
            List.of("validAccuracy", "testAccuracy", "params", "flops", "latencyMs");
    /** Objective metrics that must be maximized (accuracies, percent 0..100). */
    public static final List<String> ACCURACY_METRICS = List.of("validAccuracy", "testAccuracy");
    /** Objective metrics that must be minimized (costs). */
    public static final List<String> COST_METRICS = List.of("params", "flops", "latencyMs");
    public static final List<String> DIRECTIONS = List.of("maximize", "minimize");

    public static final List<String> STOPPING_RULES = List.of("none", "median", "asha", "curve", "surrogate");
    /** Per-epoch metrics a stopping rule can watch. */
    public static final List<String> STOPPING_METRICS =
            List.of("validAccuracy", "validLoss", "trainAccuracy", "trainLoss");

    public static final List<String> TRAINER_TYPES = List.of("nb201", "djl");
    public static final List<String> NB201_DATASETS = List.of("cifar10", "cifar100", "imagenet16-120");
    public static final List<String> DEVICES = List.of("cpu", "gpu", "auto");
    public static final List<String> DATA_FORMATS = List.of("idx", "cifar10-binary", "image-folder");

    /** Budget fields that limit a search (at least one must be set). */
    public static final List<String> BUDGET_LIMITS =
            List.of("evaluations", "simulatedSeconds", "realSeconds", "generations");
}
