package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.nasflow.activity.StepListener;
import dev.nasflow.space.Genome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Evaluation of a supernet in inference mode: of the current mode (mixed ops or a single path) on the validation
 * split, and of a single path with inherited weights after BatchNorm recalibration on train batches.
 */
final class SupernetEvaluator {
    /** DJL BatchNorm momentum of {@link Layers#bn()}: running = 0.9·running + 0.1·batch. */
    private static final double BN_KEEP = 0.9;

    private final SupernetParts parts;
    private final Supernet net;
    private final Batches calibration;
    private final Batches valid;
    private final long seed;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();

    /**
     * @param calibration train batches without augmentation, forwarded to recalibrate BatchNorm
     * @param valid       the validation split
     * @param seed        the spec seed: the calibration order of a path is seeded by it and the path
     */
    SupernetEvaluator(SupernetParts parts, Batches calibration, Batches valid, long seed) {
        this.parts = parts;
        this.net = parts.net();
        this.calibration = calibration;
        this.valid = valid;
        this.seed = seed;
    }

    /** Validation {loss, accuracy (percent)} of the supernet in its current mode. */
    double[] validate(StepListener steps) {
        return evaluate(valid, steps);
    }

    /**
     * Validation {loss, accuracy} of single path {@code g} after BatchNorm recalibration on {@code calibrationBatches}
     * train batches (order from {@code new Random(seed * 31 + Arrays.hashCode(g.choices()))}, so the same path scores
     * the same again). Leaves the recalibrated statistics in the supernet and its mode mixed.
     */
    double[] evaluatePath(Genome g, int calibrationBatches, StepListener steps) {
        net.path(g);
        try {
            recalibrate(calibrationBatches, new Random(seed * 31L + Arrays.hashCode(g.choices())), steps);
            return evaluate(valid, steps);
        } finally {
            net.path(null);
        }
    }

    /**
     * BatchNorm recalibration for the current path: running statistics reset to zero, {@code batches} train batches
     * forwarded in training mode (no gradient), and the exponential average divided by 1 − 0.9^k, which makes it the
     * (weighted) mean of those batches' statistics.
     */
    private void recalibrate(int batches, Random rng, StepListener steps) {
        List<NDArray> stats = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter.Type t = p.getValue().getType();
            if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) {
                stats.add(p.getValue().getArray());
            }
        }
        for (NDArray s : stats) {
            s.subi(s);
        }
        int n = calibration.data().size();
        int bs = Math.min(parts.recipe().batchSize(), n);
        int[] order = Batches.permutation(n, rng);
        int k = 0;
        boolean grad = JniUtils.isGradMode();
        for (int b = 0; b < batches && (b + 1) * bs <= n; b++, k++) {
            float[] x = calibration.images(order, b * bs, (b + 1) * bs, null);
            TrainLock.LOCK.lock();
            try (NDManager batch = parts.manager().newSubManager()) {
                JniUtils.setGradMode(false);
                NDArray xs = batch.create(x, parts.batchShape(bs));
                net.forward(parts.ps(), new NDList(xs), true);
            } finally {
                JniUtils.setGradMode(grad);
                TrainLock.LOCK.unlock();
            }
            steps.onStep();
        }
        float correction = (float) (1.0 - Math.pow(BN_KEEP, Math.max(1, k)));
        for (NDArray s : stats) {
            s.divi(correction);
        }
    }

    /** Mean loss and accuracy (percent) of the supernet (current mode) in inference mode over {@code d}. */
    private double[] evaluate(Batches d, StepListener steps) {
        int n = d.data().size();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int bs = parts.recipe().evalBatchSize();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            float[] x = d.images(order, from, to, null);
            float[] y = d.labels(order, from, to);
            boolean grad = JniUtils.isGradMode();
            TrainLock.LOCK.lock();
            try (NDManager batch = parts.manager().newSubManager()) {
                JniUtils.setGradMode(false);
                NDArray xs = batch.create(x, parts.batchShape(to - from));
                NDArray ys = batch.create(y, new Shape(to - from));
                NDArray logits = net.forward(parts.ps(), new NDList(xs), false).singletonOrThrow();
                lossSum += loss.evaluate(new NDList(ys), new NDList(logits)).getFloat() * (to - from);
                correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
            } finally {
                JniUtils.setGradMode(grad);
                TrainLock.LOCK.unlock();
            }
            steps.onStep();
        }
        return new double[] {lossSum / Math.max(1, n), 100.0 * correct / Math.max(1, n)};
    }
}
