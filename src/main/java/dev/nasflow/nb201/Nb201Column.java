package dev.nasflow.nb201;

/**
 * The columns the NAS-Bench-201 loader reads, with the command-line option that renames each one and its default name
 * (the names of the shipped files). Required columns must exist; an optional column that is absent leaves its metric
 * unknown, unless it was renamed explicitly, in which case it must exist too.
 */
public enum Nb201Column {
    ARCH_200(true, "--col-arch-200", "arch_str", true),
    TRAIN_ACCURACY_200(true, "--col-train-acc-200", "train-accuracy", false),
    TRAIN_LOSS_200(true, "--col-train-loss-200", "train-loss", false),
    VALID_ACCURACY_200(true, "--col-valid-200", "valid-accuracy", true),
    VALID_LOSS_200(true, "--col-valid-loss-200", "valid-loss", false),
    TEST_ACCURACY_200(true, "--col-test-200", "test-accuracy", false),
    TEST_LOSS_200(true, "--col-test-loss-200", "test-loss", false),
    TIME_200(true, "--col-time-200", "train-all-time", true),
    ARCH_12(false, "--col-arch-12", "cellstr", true),
    /** Default depends on the dataset: {@link Nb201Dataset#valid12Column()}. */
    VALID_ACCURACY_12(false, "--col-valid-12", null, true),
    /** Default depends on the dataset: {@link Nb201Dataset#test12Column()}. */
    TEST_ACCURACY_12(false, "--col-test-12", null, false);

    private final boolean table200;
    private final String option;
    private final String defaultName;
    private final boolean required;

    Nb201Column(boolean table200, String option, String defaultName, boolean required) {
        this.table200 = table200;
        this.option = option;
        this.defaultName = defaultName;
        this.required = required;
    }

    /** True for a column of the 200-epoch table, false for one of the 12-epoch table. */
    public boolean inTable200() {
        return table200;
    }

    /** The command-line option that maps this column to another name. */
    public String option() {
        return option;
    }

    /** The column's name in the shipped files (dataset-specific for the 12-epoch accuracies). */
    public String defaultName(Nb201Dataset dataset) {
        return switch (this) {
            case VALID_ACCURACY_12 -> dataset.valid12Column();
            case TEST_ACCURACY_12 -> dataset.test12Column();
            default -> defaultName;
        };
    }

    public boolean required() {
        return required;
    }
}
