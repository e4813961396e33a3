package dev.nasflow.strategy;

import dev.nasflow.model.ParamDef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-shot (weight-sharing) search methods. They do not propose candidates one by one like a {@link Strategy}: a
 * supernet is trained once and the architecture is read off it, so they run as the {@code SupernetWorkflow}, not the
 * {@code SearchWorkflow}. Their parameters are documented here and checked by the spec validator like a strategy's
 * (strategy types {@code darts} and {@code spos}).
 */
public final class OneShot {
    /** DARTS: continuous relaxation (MixedOp = Σ softmax(α)·op), first-order bilevel optimisation, discretization. */
    public static final String DARTS = "darts";
    /** SPOS: single-path one-shot supernet (one uniformly sampled path per step), candidates ranked with its weights. */
    public static final String SPOS = "spos";
    /** The space family the one-shot supernets are built over. */
    public static final String SPACE_TYPE = "darts";

    /** The {@code darts} method's descriptor (registered in {@link Strategies}). */
    public static final StrategyDescriptor DARTS_METHOD = StrategyDescriptor.oneShot(DARTS,
            ParamDef.integer("supernetEpochs", 1, 1_000, 10, "epochs of supernet training; each step updates the"
                    + " weights on a train-split batch, then α on a validation-split batch"),
            ParamDef.number("alphaLearningRate", 0.00001, 1, 0.0003, "learning rate of the Adam optimizer of the"
                    + " architecture weights α (DARTS: 3e-4)"),
            ParamDef.number("alphaWeightDecay", 0, 1, 0.001, "weight decay of the α optimizer (DARTS: 1e-3)"),
            ParamDef.integer("retrainEpochs", 0, 1_000, 10, "epochs of training the derived architecture from"
                    + " scratch (0: derive only)"));

    /** The {@code spos} method's descriptor (registered in {@link Strategies}). */
    public static final StrategyDescriptor SPOS_METHOD = StrategyDescriptor.oneShot(SPOS,
            ParamDef.integer("supernetEpochs", 1, 1_000, 10, "epochs of supernet training; each step trains one"
                    + " uniformly sampled single path"),
            ParamDef.integer("candidates", 1, 10_000, 20, "random architectures ranked by validation accuracy"
                    + " with the supernet's inherited weights"),
            ParamDef.integer("calibrationBatches", 1, 1_000, 4, "train batches per candidate that recalibrate the"
                    + " BatchNorm statistics of its path before it is evaluated"),
            ParamDef.integer("retrainEpochs", 0, 1_000, 10, "epochs of training the best-ranked architecture from"
                    + " scratch (0: rank only)"));

    /** The one-shot methods the supernet workflow runs (extensions cannot add one: {@link Strategies#register}). */
    private static final List<StrategyDescriptor> METHODS = List.of(DARTS_METHOD, SPOS_METHOD);

    private static final Map<String, List<ParamDef>> DEFS = defs();

    private OneShot() {
    }

    private static Map<String, List<ParamDef>> defs() {
        Map<String, List<ParamDef>> m = new LinkedHashMap<>();
        METHODS.forEach(d -> m.put(d.name(), d.params()));
        return Collections.unmodifiableMap(m);
    }

    /** One-shot method → its parameters, in documentation order. */
    public static Map<String, List<ParamDef>> paramDefs() {
        return DEFS;
    }

    public static boolean isOneShot(String type) {
        return type != null && DEFS.containsKey(type);
    }

    /**
     * The parameters of one-shot method {@code type}, checked against {@link #paramDefs()} (unknown names, wrong
     * kinds and out-of-range values throw {@link IllegalArgumentException} naming {@code strategy.params.NAME}),
     * defaults filled in.
     */
    public static Map<String, Object> resolve(String type, Map<String, Object> given) {
        List<ParamDef> defs = DEFS.get(type);
        if (defs == null) {
            throw new IllegalArgumentException("strategy.type: '" + type + "' is not a one-shot method; use one of "
                    + String.join(", ", DEFS.keySet()));
        }
        return Strategies.resolve(type, defs, given == null ? Map.of() : given);
    }
}
