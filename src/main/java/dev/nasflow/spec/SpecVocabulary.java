package dev.nasflow.spec;

import dev.nasflow.model.Trainers;
import dev.nasflow.space.ChainSpace;
import dev.nasflow.space.MultiBranchSpace;
import dev.nasflow.space.Ops;
import dev.nasflow.space.Spaces;
import dev.nasflow.stopping.StoppingRules;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.StrategyDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The closed vocabularies of a search spec: every enum the JSON Schema ({@code schema/search-spec.schema.json})
 * lists, in one place. Space names come from the space package (its classes are the implementation), strategy names
 * and traits from the strategy registry's descriptors, stopping rules from theirs; a test keeps the schema and these
 * lists equal.
 */
public final class SpecVocabulary {
    private SpecVocabulary() {
    }

    /** Space families ({@link Spaces#TYPES}). */
    public static final List<String> SPACE_TYPES = Spaces.TYPES;

    /** Edge / path ops of the {@code cell}, {@code darts} and {@code multi-branch} spaces ({@link Ops#CELL_OPS}). */
    public static final List<String> EDGE_OPS = Ops.CELL_OPS;

    /** Layer ops of a {@code chain} space ({@link ChainSpace#CHAIN_OPS}; the kernel size is its own decision). */
    public static final List<String> CHAIN_OPS = ChainSpace.CHAIN_OPS;

    /** Ops allowed in {@code space.ops}, per space type ({@code nb201} has no ops field). */
    public static final Map<String, List<String>> OPS_BY_SPACE = Map.of(
            "cell", EDGE_OPS, "darts", EDGE_OPS, "chain", CHAIN_OPS, "multi-branch", EDGE_OPS);

    /** Kernel sizes of a {@code chain} space: odd, 1..{@link Spaces#MAX_KERNEL}. */
    public static final List<Integer> KERNELS = kernels();

    /** Activations of a {@code chain} space ({@link ChainSpace#ACTIVATIONS}, plus {@code swish}, read as silu). */
    public static final List<String> ACTIVATIONS = activations();

    public static final List<String> MERGES = MultiBranchSpace.MERGES;

    private static List<Integer> kernels() {
        List<Integer> k = new ArrayList<>();
        for (int i = 1; i <= Spaces.MAX_KERNEL; i += 2) {
            k.add(i);
        }
        return List.copyOf(k);
    }

    private static List<String> activations() {
        List<String> a = new ArrayList<>(ChainSpace.ACTIVATIONS);
        a.add("swish");
        return List.copyOf(a);
    }

    /** Built-in strategy types ({@link Strategies#builtIn()}; the schema file lists these, extensions are added). */
    public static final List<String> STRATEGY_TYPES = strategies(null);
    /** One-shot methods ({@code dev.nasflow.strategy.OneShot}): run by the supernet workflow on a darts space. */
    public static final List<String> ONE_SHOT_STRATEGIES = strategies(StrategyDescriptor.Trait.ONE_SHOT);
    /** Strategies that evaluate candidates at several fidelities (need {@code fidelity.minEpochs < epochs}). */
    public static final List<String> MULTI_FIDELITY_STRATEGIES = strategies(StrategyDescriptor.Trait.MULTI_FIDELITY);

    /** The built-in strategies with {@code trait} (null: all), in registry order. */
    private static List<String> strategies(StrategyDescriptor.Trait trait) {
        return Strategies.builtIn().stream().filter(d -> trait == null || d.has(trait)).map(StrategyDescriptor::name)
                .toList();
    }

    /** Metrics an objective or a constraint can name. */
    public static final List<String> OBJECTIVE_METRICS =
            List.of("validAccuracy", "testAccuracy", "params", "flops", "latencyMs");
    /** Objective metrics that must be maximized (accuracies, percent 0..100). */
    public static final List<String> ACCURACY_METRICS = List.of("validAccuracy", "testAccuracy");
    /** Objective metrics that must be minimized (costs). */
    public static final List<String> COST_METRICS = List.of("params", "flops", "latencyMs");
    public static final List<String> DIRECTIONS = List.of("maximize", "minimize");

    /** Stopping rules ({@link StoppingRules#NAMES}). */
    public static final List<String> STOPPING_RULES = StoppingRules.NAMES;
    /** Per-epoch metrics a stopping rule can watch. */
    public static final List<String> STOPPING_METRICS =
            List.of("validAccuracy", "validLoss", "trainAccuracy", "trainLoss");

    /** Training backends ({@link Trainers#NAMES}). */
    public static final List<String> TRAINER_TYPES = Trainers.NAMES;
    public static final List<String> NB201_DATASETS = List.of("cifar10", "cifar100", "imagenet16-120");
    public static final List<String> DEVICES = List.of("cpu", "gpu", "auto");
    public static final List<String> DATA_FORMATS = List.of("idx", "cifar10-binary", "image-folder");

    /** Budget fields that limit a search (at least one must be set). */
    public static final List<String> BUDGET_LIMITS =
            List.of("evaluations", "simulatedSeconds", "realSeconds", "generations");
}
