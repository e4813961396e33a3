package dev.nasflow.train;

import dev.nasflow.space.InputShape;

import java.util.Arrays;
import java.util.List;

/**
 * A dataset ready for training: the training split, the held-out validation split (seeded), the test split (null when
 * the dataset has none), per-channel normalization statistics of the training split (pixels scaled to [0, 1]), and
 * the class names when the dataset has them.
 */
public record DataSplits(ImageData train, ImageData valid, ImageData test, float[] mean, float[] std, String source,
                         List<String> classNames) {
    public DataSplits {
        mean = mean.clone();
        std = std.clone();
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    /** Shape of one input and the number of classes. */
    public InputShape inputShape() {
        return new InputShape(train.channels(), train.height(), train.width(), train.classes());
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return source + ": train " + train.size() + ", valid " + valid.size() + ", test "
                + (test == null ? "none" : test.size()) + ", " + inputShape() + ", mean " + Arrays.toString(mean)
                + ", std " + Arrays.toString(std);
    }
}
