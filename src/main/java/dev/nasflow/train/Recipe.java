package dev.nasflow.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.spec.PathPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the djl trainer trains a candidate: a JSON file under {@code activities/} (spec field {@code trainer.recipe},
 * e.g. {@code recipes/fmnist-quick.json}); null fields take the defaults below. Fields:
 * <ul>
 *   <li>{@code optimizer}: {@code sgd} (momentum, L2 weight decay added to the gradient), {@code adam} (L2 added to
 *       the gradient) or {@code adamw} (decoupled decay). Default sgd.</li>
 *   <li>{@code learningRate} (default 0.05 for sgd, 0.002 for adam/adamw), {@code momentum} (0.9), {@code beta1}
 *       (0.9), {@code beta2} (0.999), {@code epsilon} (1e-8), {@code weightDecay} (5e-4 sgd, 0 adam, 0.01
 *       adamw).</li>
 *   <li>{@code schedule}: {@code cosine} (per step, from learningRate down to {@code minLearningRate} (0) over
 *       {@code fidelity.epochs} epochs, after {@code warmupEpochs} (0) of linear warm-up) or {@code constant}.
 *       Default cosine.</li>
 *   <li>{@code batchSize} (128), {@code evalBatchSize} (512), {@code maxEpochs} (cap: a task asking for more epochs
 *       fails non-retryably; default 500).</li>
 *   <li>{@code cropPadding} / {@code horizontalFlip}: augmentation of training batches. Defaults by data format:
 *       4 / true for cifar10-binary and image-folder, 0 / false for idx (digits must not be mirrored).</li>
 *   <li>{@code latencyBatchSize} (1), {@code latencyWarmup} (5), {@code latencyRuns} (20): inference latency
 *       measurement (median of the runs after the warm-up).</li>
 *   <li>{@code threads}: PyTorch intra-op threads (null = the engine default, all cores).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "optimizer", "learningRate", "minLearningRate", "momentum", "beta1", "beta2", "epsilon",
        "weightDecay", "schedule", "warmupEpochs", "batchSize", "evalBatchSize", "maxEpochs", "cropPadding",
        "horizontalFlip", "latencyBatchSize", "latencyWarmup", "latencyRuns", "threads"})
public record Recipe(String name, String optimizer, Double learningRate, Double minLearningRate, Double momentum,
                     Double beta1, Double beta2, Double epsilon, Double weightDecay, String schedule,
                     Double warmupEpochs, Integer batchSize, Integer evalBatchSize, Integer maxEpochs,
                     Integer cropPadding, Boolean horizontalFlip, Integer latencyBatchSize, Integer latencyWarmup,
                     Integer latencyRuns, Integer threads) {

    public static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
    public static final List<String> SCHEDULES = List.of("cosine", "constant");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The built-in recipe (all defaults) for a data format. */
    public static Recipe defaults(String dataFormat) {
        return new Recipe("built-in", null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null).withDefaults(dataFormat);
    }

    /** The recipe {@code trainer.recipe} names (null = built-in), defaults applied for {@code dataFormat}. */
    public static Recipe load(String value, String dataFormat, PathPolicy policy) {
        if (value == null) {
            return defaults(dataFormat);
        }
        Path file;
        try {
            file = policy.resolveRecipe("trainer.recipe", value);
        } catch (IllegalArgumentException e) {
            throw new NonRetryableTrainingException(e.getMessage(), e);
        }
        if (!Files.isRegularFile(file)) {
            throw new NonRetryableTrainingException("trainer.recipe '" + value + "': no file " + file + " (fix: name a "
                    + "recipe under " + policy.activities() + ", e.g. recipes/fmnist-quick.json)");
        }
        try {
            Recipe r = MAPPER.readValue(file.toFile(), Recipe.class);
            return (r.name() == null ? r.withName(file.getFileName().toString()) : r).withDefaults(dataFormat);
        } catch (UnrecognizedPropertyException e) {
            throw new NonRetryableTrainingException("trainer.recipe " + file + ": unknown field '"
                    + e.getPropertyName() + "' (fix: use only " + e.getKnownPropertyIds() + ")", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new NonRetryableTrainingException("trainer.recipe " + file + " is not a valid recipe: "
                    + e.getOriginalMessage() + " (fix: see docs/TRAINING.md for the fields)", e);
        } catch (IOException e) {
            throw new NonRetryableTrainingException("trainer.recipe " + file + " cannot be read: "
                    + e.getMessage() + " (fix: see docs/TRAINING.md for the fields)", e);
        }
    }

    private Recipe withName(String n) {
        return new Recipe(n, optimizer, learningRate, minLearningRate, momentum, beta1, beta2, epsilon, weightDecay,
                schedule, warmupEpochs, batchSize, evalBatchSize, maxEpochs, cropPadding, horizontalFlip,
                latencyBatchSize, latencyWarmup, latencyRuns, threads);
    }

    /** This recipe with every null field defaulted, validated (bad values: non-retryable error naming the field). */
    public Recipe withDefaults(String dataFormat) {
        String opt = optimizer == null ? "sgd" : optimizer.toLowerCase(Locale.ROOT);
        boolean images = !"idx".equals(dataFormat);
        Recipe r = new Recipe(name == null ? "built-in" : name, opt,
                learningRate != null ? learningRate : "sgd".equals(opt) ? 0.05 : 0.002,
                minLearningRate != null ? minLearningRate : 0.0,
                momentum != null ? momentum : 0.9,
                beta1 != null ? beta1 : 0.9, beta2 != null ? beta2 : 0.999, epsilon != null ? epsilon : 1e-8,
                weightDecay != null ? weightDecay : "sgd".equals(opt) ? 5e-4 : "adamw".equals(opt) ? 0.01 : 0.0,
                schedule == null ? "cosine" : schedule.toLowerCase(Locale.ROOT),
                warmupEpochs != null ? warmupEpochs : 0.0,
                batchSize != null ? batchSize : 128, evalBatchSize != null ? evalBatchSize : 512,
                maxEpochs != null ? maxEpochs : 500,
                cropPadding != null ? cropPadding : images ? 4 : 0,
                horizontalFlip != null ? horizontalFlip : images,
                latencyBatchSize != null ? latencyBatchSize : 1, latencyWarmup != null ? latencyWarmup : 5,
                latencyRuns != null ? latencyRuns : 20, threads);
        List<String> errors = r.problems();
        if (!errors.isEmpty()) {
            throw new NonRetryableTrainingException("trainer.recipe '" + r.name() + "': " + String.join("; ", errors));
        }
        return r;
    }

    private List<String> problems() {
        List<String> e = new ArrayList<>();
        if (!OPTIMIZERS.contains(optimizer)) {
            e.add("optimizer '" + optimizer + "' is not one of " + OPTIMIZERS);
        }
        if (!SCHEDULES.contains(schedule)) {
            e.add("schedule '" + schedule + "' is not one of " + SCHEDULES);
        }
        positive(e, "learningRate", learningRate, 10);
        range(e, "minLearningRate", minLearningRate, 0, learningRate);
        range(e, "momentum", momentum, 0, 0.999);
        range(e, "beta1", beta1, 0, 0.9999);
        range(e, "beta2", beta2, 0, 0.99999);
        positive(e, "epsilon", epsilon, 1);
        range(e, "weightDecay", weightDecay, 0, 1);
        range(e, "warmupEpochs", warmupEpochs, 0, 1000);
        intRange(e, "batchSize", batchSize, 1, 65536);
        intRange(e, "evalBatchSize", evalBatchSize, 1, 65536);
        intRange(e, "maxEpochs", maxEpochs, 1, 100000);
        intRange(e, "cropPadding", cropPadding, 0, 64);
        intRange(e, "latencyBatchSize", latencyBatchSize, 1, 4096);
        intRange(e, "latencyWarmup", latencyWarmup, 0, 1000);
        intRange(e, "latencyRuns", latencyRuns, 1, 10000);
        if (threads != null) {
            intRange(e, "threads", threads, 1, 1024);
        }
        return e;
    }

    private static void positive(List<String> e, String f, double v, double max) {
        if (!(v > 0 && v <= max)) {
            e.add(f + " " + v + " must be in (0, " + max + "]");
        }
    }

    private static void range(List<String> e, String f, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            e.add(f + " " + v + " must be in [" + min + ", " + max + "]");
        }
    }

    private static void intRange(List<String> e, String f, int v, int min, int max) {
        if (v < min || v > max) {
            e.add(f + " " + v + " must be in " + min + ".." + max);
        }
    }

    /**
     * Learning rate at {@code progress} epochs (fractional) of a schedule {@code totalEpochs} long: linear warm-up,
     * then cosine from {@code learningRate} to {@code minLearningRate} (or constant).
     */
    public double learningRateAt(double progress, int totalEpochs) {
        if (warmupEpochs > 0 && progress < warmupEpochs) {
            return learningRate * (progress + 1e-3) / warmupEpochs;
        }
        if ("constant".equals(schedule)) {
            return learningRate;
        }
        double span = Math.max(1e-9, totalEpochs - warmupEpochs);
        double t = Math.min(1.0, Math.max(0.0, (progress - warmupEpochs) / span));
        return minLearningRate + (learningRate - minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
}
