package dev.nasflow.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.activity.StepListener;
import dev.nasflow.model.Seeds;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training steps of a supernet. DARTS (first order): a weight step on a train batch through the mixed supernet,
 * then an α step on a validation batch, each in its own {@link GradientCollector} with every gradient zeroed before
 * and after, each updating only its own parameters with its own optimizer. SPOS: a weight step on one uniformly
 * sampled single path, updating the weights of that path only.
 */
final class SupernetSteps {
    private final SupernetParts parts;
    private final Supernet net;
    private final NasOptimizer weightOptimizer;
    private final NasOptimizer alphaOptimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();

    SupernetSteps(SupernetParts parts, NasOptimizer weightOptimizer, NasOptimizer alphaOptimizer) {
        this.parts = parts;
        this.net = parts.net();
        this.weightOptimizer = weightOptimizer;
        this.alphaOptimizer = alphaOptimizer;
    }

    /**
     * The steps of epoch {@code epoch} over the whole train split (full batches only: BatchNorm needs more than one
     * image, α steps see equal batches). The data order, augmentation, validation order and SPOS paths come from
     * {@code new Random(Seeds.epochOrder(seed, epoch))}; the weights' learning rate follows the recipe's schedule over
     * {@code totalEpochs}. Returns {trainLoss, trainAccuracy}.
     */
    Map<String, Double> trainEpoch(int epoch, int totalEpochs, long seed, DartsSpace space, Batches train,
                                   Batches valid, StepListener steps) {
        Random rng = new Random(Seeds.epochOrder(seed, epoch));
        int n = train.data().size();
        int[] order = Batches.permutation(n, rng);
        int[] vorder = Batches.permutation(valid.data().size(), rng);
        int bs = Math.min(parts.recipe().batchSize(), n);
        int batches = n / bs;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        boolean darts = net.hasAlpha();
        for (int b = 0; b < batches; b++) {
            double lr = parts.recipe().learningRateAt(epoch - 1 + (double) b / batches, totalEpochs);
            int from = b * bs;
            float[] x = train.images(order, from, from + bs, rng);
            float[] y = train.labels(order, from, from + bs);
            double[] r;
            if (darts) {
                r = stepWeights(x, y, bs, lr, null);
                int vf = (b * bs) % Math.max(1, vorder.length - bs + 1);
                int vt = Math.min(vorder.length, vf + bs);
                stepAlpha(valid.images(vorder, vf, vt, null), valid.labels(vorder, vf, vt), vt - vf);
            } else {
                Genome path = space.random(rng);
                r = stepWeights(x, y, bs, lr, path);
            }
            if (!Double.isFinite(r[0])) {
                throw new NonRetryableTrainingException("supernet loss is not finite at epoch " + epoch + " step "
                        + b + " (fix: lower the recipe's learningRate or alphaLearningRate)");
            }
            lossSum += r[0] * bs;
            correct += (long) r[1];
            seen += bs;
            steps.onStep();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trainLoss", lossSum / Math.max(1, seen));
        m.put("trainAccuracy", 100.0 * correct / Math.max(1, seen));
        return m;
    }

    /**
     * One weight step on a batch: the mixed supernet ({@code path} null) or the single path {@code path}; only the
     * weights (DARTS: all but α; SPOS: those of the path) are updated. Returns {loss, correct}.
     */
    double[] stepWeights(float[] x, float[] y, int n, double lr, Genome path) {
        TrainLock.LOCK.lock();
        try (NDManager batch = parts.manager().newSubManager()) {
            net.path(path);
            List<Parameter> update = path == null ? net.weightParameters() : net.pathParameters(path);
            List<Parameter> touched = path == null ? allTrainable() : update;
            zeroGradients(touched);
            double[] r = forwardBackward(batch, x, y, n);
            if (Double.isFinite(r[0])) {
                weightOptimizer.setLearningRate(lr);
                weightOptimizer.beginStep();
                apply(weightOptimizer, update);
            }
            zeroGradients(touched);
            return r;
        } finally {
            net.path(null);
            TrainLock.LOCK.unlock();
        }
    }

    /** One α step of DARTS on a (validation) batch: only α_normal and α_reduce are updated. Returns {loss, correct}. */
    double[] stepAlpha(float[] x, float[] y, int n) {
        TrainLock.LOCK.lock();
        try (NDManager batch = parts.manager().newSubManager()) {
            net.path(null);
            List<Parameter> all = allTrainable();
            zeroGradients(all);
            double[] r = forwardBackward(batch, x, y, n);
            if (Double.isFinite(r[0])) {
                alphaOptimizer.beginStep();
                apply(alphaOptimizer, net.alphaParameters());
            }
            zeroGradients(all);
            return r;
        } finally {
            TrainLock.LOCK.unlock();
        }
    }

    private double[] forwardBackward(NDManager batch, float[] x, float[] y, int n) {
        NDArray xs = batch.create(x, parts.batchShape(n));
        NDArray ys = batch.create(y, new Shape(n));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = net.forward(parts.ps(), new NDList(xs), true).singletonOrThrow();
            NDArray l = loss.evaluate(new NDList(ys), new NDList(logits));
            gc.backward(l);
            double lv = l.getFloat();
            long correct = logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
            return new double[] {lv, correct};
        }
    }

    private List<Parameter> allTrainable() {
        List<Parameter> out = new ArrayList<>(net.weightParameters());
        out.addAll(net.alphaParameters());
        return out;
    }

    private static void apply(NasOptimizer opt, List<Parameter> ps) {
        for (Parameter p : ps) {
            NDArray w = p.getArray();
            NDArray g = w.getGradient();
            opt.update(p.getId(), w, g);
            g.close();
        }
    }

    private static void zeroGradients(List<Parameter> ps) {
        for (Parameter p : ps) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                NDArray g = w.getGradient();
                g.subi(g);
                g.close();
            }
        }
    }
}
