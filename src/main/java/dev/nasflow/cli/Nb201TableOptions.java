package dev.nasflow.cli;

import dev.nasflow.nb201.Nb201Column;
import dev.nasflow.nb201.Nb201Dataset;
import dev.nasflow.nb201.Nb201TableSource;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Options choosing the NAS-Bench-201 tables and naming their columns (a picocli mixin). Defaults: the shipped CIFAR-10
 * tables and their column names. The option names match {@link Nb201Column#option()}.
 */
public final class Nb201TableOptions {
    @Option(names = "--dataset", defaultValue = "cifar10", paramLabel = "NAME",
            description = "Dataset of the 12-epoch columns: cifar10, cifar100, imagenet16-120 "
                    + "(default: ${DEFAULT-VALUE}). Only CIFAR-10 has a shipped 200-epoch table.")
    String dataset;

    @Option(names = "--table-200", paramLabel = "FILE",
            description = "200-epoch table (.csv or .csv.gz; default: the shipped CIFAR-10 table).")
    Path table200;

    @Option(names = "--table-12", paramLabel = "FILE",
            description = "12-epoch table (.csv or .csv.gz; default: the shipped all-12ep table).")
    Path table12;

    @Option(names = "--col-arch-200", paramLabel = "NAME",
            description = "Architecture column of the 200-epoch table (default arch_str).")
    String colArch200;

    @Option(names = "--col-train-acc-200", paramLabel = "NAME",
            description = "Train accuracy column (default train-accuracy).")
    String colTrainAcc200;

    @Option(names = "--col-train-loss-200", paramLabel = "NAME",
            description = "Train loss column (default train-loss).")
    String colTrainLoss200;

    @Option(names = "--col-valid-200", paramLabel = "NAME",
            description = "200-epoch validation accuracy column (default valid-accuracy).")
    String colValid200;

    @Option(names = "--col-valid-loss-200", paramLabel = "NAME",
            description = "Validation loss column (default valid-loss).")
    String colValidLoss200;

    @Option(names = "--col-test-200", paramLabel = "NAME",
            description = "200-epoch test accuracy column (default test-accuracy).")
    String colTest200;

    @Option(names = "--col-test-loss-200", paramLabel = "NAME",
            description = "Test loss column (default test-loss).")
    String colTestLoss200;

    @Option(names = "--col-time-200", paramLabel = "NAME",
            description = "Seconds to train 200 epochs (default train-all-time).")
    String colTime200;

    @Option(names = "--col-arch-12", paramLabel = "NAME",
            description = "Architecture column of the 12-epoch table (default cellstr).")
    String colArch12;

    @Option(names = "--col-valid-12", paramLabel = "NAME",
            description = "12-epoch validation accuracy column (default per dataset: cifar10-val, "
                    + "cifar100-val, imagenet-val).")
    String colValid12;

    @Option(names = "--col-test-12", paramLabel = "NAME",
            description = "12-epoch test accuracy column (default per dataset: cifar10-test, "
                    + "cifar100-test, imagenet-test).")
    String colTest12;

    /** The table source these options describe; throws {@link IllegalArgumentException} for an unknown dataset. */
    public Nb201TableSource source() {
        Map<Nb201Column, String> m = new EnumMap<>(Nb201Column.class);
        put(m, Nb201Column.ARCH_200, colArch200);
        put(m, Nb201Column.TRAIN_ACCURACY_200, colTrainAcc200);
        put(m, Nb201Column.TRAIN_LOSS_200, colTrainLoss200);
        put(m, Nb201Column.VALID_ACCURACY_200, colValid200);
        put(m, Nb201Column.VALID_LOSS_200, colValidLoss200);
        put(m, Nb201Column.TEST_ACCURACY_200, colTest200);
        put(m, Nb201Column.TEST_LOSS_200, colTestLoss200);
        put(m, Nb201Column.TIME_200, colTime200);
        put(m, Nb201Column.ARCH_12, colArch12);
        put(m, Nb201Column.VALID_ACCURACY_12, colValid12);
        put(m, Nb201Column.TEST_ACCURACY_12, colTest12);
        return new Nb201TableSource(table200, table12, Nb201Dataset.of(dataset), m);
    }

    private static void put(Map<Nb201Column, String> m, Nb201Column c, String v) {
        if (v != null) {
            m.put(c, v);
        }
    }
}
