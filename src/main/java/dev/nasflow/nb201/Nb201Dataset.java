package dev.nasflow.nb201;

import dev.nasflow.space.InputShape;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The datasets of the NAS-Bench-201 tables. The dataset selects the 12-epoch columns of the 12-epoch table
 * ({@code cifar10-val}, {@code cifar100-val}, {@code imagenet-val} and their {@code -test} twins), the chance accuracy
 * that floors the interpolated learning curves, and the input shape of the cost model.
 */
public enum Nb201Dataset {
    CIFAR10("cifar10", "cifar10-val", "cifar10-test", 10, new InputShape(3, 32, 32, 10)),
    CIFAR100("cifar100", "cifar100-val", "cifar100-test", 100, new InputShape(3, 32, 32, 100)),
    IMAGENET16_120("imagenet16-120", "imagenet-val", "imagenet-test", 120, new InputShape(3, 16, 16, 120));

    private final String id;
    private final String valid12Column;
    private final String test12Column;
    private final int classes;
    private final InputShape inputShape;

    Nb201Dataset(String id, String valid12Column, String test12Column, int classes, InputShape inputShape) {
        this.id = id;
        this.valid12Column = valid12Column;
        this.test12Column = test12Column;
        this.classes = classes;
        this.inputShape = inputShape;
    }

    /** The name used on the command line ({@code cifar10}, {@code cifar100}, {@code imagenet16-120}). */
    public String id() {
        return id;
    }

    /** Default name of this dataset's 12-epoch validation-accuracy column in {@code all-12ep.csv}. */
    public String valid12Column() {
        return valid12Column;
    }

    /** Default name of this dataset's 12-epoch test-accuracy column in {@code all-12ep.csv}. */
    public String test12Column() {
        return test12Column;
    }

    public int classes() {
        return classes;
    }

    /** Accuracy (percent) of guessing uniformly: 100 / classes. */
    public double chanceAccuracy() {
        return 100.0 / classes;
    }

    /** Input of the cell network for the cost model (NB201 uses 32x32 CIFAR and 16x16 ImageNet16-120). */
    public InputShape inputShape() {
        return inputShape;
    }

    /** Parses a dataset name case-insensitively; the error lists the known names. */
    public static Nb201Dataset of(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Nb201Dataset d : values()) {
            if (d.id.equals(k)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + s + "'; known: "
                + Arrays.stream(values()).map(Nb201Dataset::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
