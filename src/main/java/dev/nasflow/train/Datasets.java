package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.DataSpec;
import dev.nasflow.spec.Defaults;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;

import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the dataset of a {@code djl} search ({@code data} section): format {@code idx}, {@code cifar10-binary} or
 * {@code image-folder}, from a path confined by {@link PathPolicy}. Then: {@code data.dataFraction} of the training
 * and test sets (seeded), resizing to {@code fidelity.resolution}, and a seeded split of {@code data.validationFraction}
 * of the training set for validation. Every candidate of a search sees the same splits (seeded by the spec seed).
 * The last dataset loaded is cached (softly) so a worker training many candidates reads the files once.
 */
public final class Datasets {
    private static final Object LOCK = new Object();
    private static String cachedKey;
    private static SoftReference<DataSplits> cached = new SoftReference<>(null);

    private Datasets() {
    }

    /** The splits of an effective spec's data section (defaults applied). */
    public static DataSplits load(SearchSpec spec) {
        return load(spec, PathPolicy.fromEnvironment());
    }

    /** The splits of a spec's data section, paths resolved by {@code paths}. */
    public static DataSplits load(SearchSpec spec, PathPolicy paths) {
        SearchSpec eff = Defaults.apply(spec);
        if (eff.data() == null) {
            throw new NonRetryableTrainingException("data: missing; the djl trainer trains on real data (fix: add "
                    + "\"data\": {\"format\": \"idx\", \"path\": \"/usr/share/datasets/fashion-mnist\"})");
        }
        int resolution = eff.fidelity().resolution() == null ? Defaults.nativeResolution(eff.trainer(), eff.data())
                : eff.fidelity().resolution();
        return load(eff.data(), resolution, eff.seed(), paths);
    }

    public static DataSplits load(DataSpec data, int resolution, long seed, PathPolicy policy) {
        Path path;
        try {
            path = policy.resolveData("data.path", data.path());
        } catch (IllegalArgumentException e) {
            throw new NonRetryableTrainingException(e.getMessage(), e);
        }
        double validation = data.validationFraction() == null ? Defaults.VALIDATION_FRACTION
                : data.validationFraction();
        double fraction = data.dataFraction() == null ? 1.0 : data.dataFraction();
        String key = data.format() + "|" + path + "|" + resolution + "|" + validation + "|" + fraction + "|" + seed;
        synchronized (LOCK) {
            DataSplits hit = key.equals(cachedKey) ? cached.get() : null;
            if (hit != null) {
                return hit;
            }
            DataSplits d = read(data.format(), path, resolution, validation, fraction, seed);
            cachedKey = key;
            cached = new SoftReference<>(d);
            return d;
        }
    }

    static DataSplits read(String format, Path path, int resolution, double validation, double fraction, long seed) {
        if (resolution < 4 || resolution > 1024) {
            throw new NonRetryableTrainingException("fidelity.resolution " + resolution + " is outside 4..1024");
        }
        List<String> classNames = new ArrayList<>();
        ImageData[] tt = switch (format == null ? "" : format) {
            case "idx" -> IdxReader.read(path);
            case "cifar10-binary" -> Cifar10Reader.read(path);
            case "image-folder" -> ImageFolderReader.read(path, resolution, classNames);
            default -> throw new NonRetryableTrainingException("data.format '" + format + "' is not one of [idx, "
                    + "cifar10-binary, image-folder] (fix: pick one of them)");
        };
        ImageData all = tt[0].fraction(fraction, seed * 31 + 1).resized(resolution);
        ImageData test = tt[1] == null ? null : tt[1].fraction(fraction, seed * 31 + 2).resized(resolution);
        int n = all.size();
        int nValid = (int) Math.round(n * validation);
        if (nValid < 1 || n - nValid < 1) {
            throw new NonRetryableTrainingException("data: " + n + " training image(s) after data.dataFraction "
                    + fraction + " cannot be split with validationFraction " + validation + " (fix: use more data)");
        }
        int[] perm = ImageData.permutation(n, seed * 31 + 3);
        ImageData valid = all.subset(Arrays.copyOfRange(perm, 0, nValid));
        ImageData train = all.subset(Arrays.copyOfRange(perm, nValid, n));
        float[][] stats = train.channelStats();
        return new DataSplits(train, valid, test, stats[0], stats[1], format + ":" + path, classNames);
    }
}
