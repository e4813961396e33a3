package dev.nasflow.model;

import java.util.List;
import java.util.Map;

/**
 * The registry of training backends: each declared once, here, one line each in {@link #all()}. (They live in the
 * model, not beside their implementations, because the spec validator may not depend on the training layer; the
 * workers' implementations are listed by {@code cli.Services} and a test keeps the two lists equal.)
 */
public final class Trainers {
    /** The NAS-Bench-201 table: lookup of published results on a simulated clock. */
    public static final TrainerDescriptor NB201 = new TrainerDescriptor("nb201",
            "NAS-Bench-201 table lookup, simulated clock", List.of("dataset", "pacingMillisPerEpoch", "pacing"),
            Map.of("dataset", "cifar10", "pacingMillisPerEpoch", 0), false, 12, 10,
            BudgetSpec.MAX_EVALUATIONS);
    /** Real training with DJL (PyTorch engine) on the spec's data. */
    public static final TrainerDescriptor DJL = new TrainerDescriptor("djl", "real training",
            List.of("recipe", "device"), Map.of("device", "auto"), true, 10, 120,
            BudgetSpec.MAX_EVALUATIONS_TRAINED);

    private static final List<TrainerDescriptor> ALL = List.of(
            NB201,
            DJL);

    /** The trainer types, in registry order. */
    public static final List<String> NAMES = ALL.stream().map(TrainerDescriptor::name).toList();

    private Trainers() {
    }

    public static List<TrainerDescriptor> all() {
        return ALL;
    }

    /** The backend named {@code type}, or null. */
    public static TrainerDescriptor descriptor(String type) {
        for (TrainerDescriptor d : ALL) {
            if (d.name().equals(type)) {
                return d;
            }
        }
        return null;
    }
}
