package dev.nasflow.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import dev.nasflow.space.ChainSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;

import java.util.List;
import java.util.Random;

/**
 * Training throughput of a reference CNN with DJL, the counterpart of {@code bench/pytorch_train.py} (same network,
 * batch, threads, optimizer): the chain genome {@link #REFERENCE_ARCH} (stem 16, conv 3×3 widths 32, 64, 64 with
 * strides 1, 2, 2, BN, ReLU, global pool, Linear; 61,050 parameters) on 1×28×28 inputs, SGD momentum 0.9, lr 0.05,
 * weight decay 5e-4, softmax cross-entropy, synthetic data. Each step copies a batch from a Java array into a fresh
 * sub-manager, as the trainer does.
 */
public final class TrainBenchmark {
    public static final String REFERENCE_ARCH = "conv/k3/w32/relu|conv/k3/w64/relu|conv/k3/w64/relu";
    public static final ChainSpace REFERENCE_SPACE = new ChainSpace("bench-reference", 3, List.of("conv"),
            List.of(3), List.of(32, 64), List.of("relu"), false, 16, 3);
    public static final InputShape INPUT = new InputShape(1, 28, 28, 10);

    private TrainBenchmark() {
    }

    /** Result of one timing: images per second over {@code steps} steps after {@code warmup}. */
    public record Timing(double imagesPerSecond, double seconds, int steps, int batch, int threads, long params) {
    }

    /** Sets PyTorch's intra-op threads of this process (loads the engine first). */
    public static int threads(int threads) {
        Engine.getInstance();
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        return JniUtils.getNumThreads();
    }

    public static Timing djl(int batch, int steps, int warmup, long seed) {
        Genome g = REFERENCE_SPACE.parse(REFERENCE_ARCH);
        Recipe recipe = new Recipe("bench", "sgd", 0.05, 0.0, 0.9, null, null, null, 5e-4, "constant", 0.0, batch,
                null, null, 0, false, null, null, null, null).withDefaults("idx");
        Engine.getInstance().setRandomSeed((int) seed);
        Random rng = new Random(seed);
        int n = batch * INPUT.channels() * INPUT.height() * INPUT.width();
        float[][] xs = new float[4][n];
        float[][] ys = new float[4][batch];
        for (int b = 0; b < 4; b++) {
            for (int i = 0; i < n; i++) {
                xs[b][i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < batch; i++) {
                ys[b][i] = rng.nextInt(INPUT.classes());
            }
        }
        Loss loss = Loss.softmaxCrossEntropyLoss();
        NasOptimizer opt = new NasOptimizer(recipe);
        try (Model model = Model.newInstance("bench", Device.cpu(), "PyTorch")) {
            model.setBlock(ModelBuilder.build(REFERENCE_SPACE, g, INPUT));
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(opt))) {
                trainer.initialize(new Shape(1, INPUT.channels(), INPUT.height(), INPUT.width()));
                Shape shape = new Shape(batch, INPUT.channels(), INPUT.height(), INPUT.width());
                long t0 = 0;
                for (int s = 0; s < warmup + steps; s++) {
                    if (s == warmup) {
                        t0 = System.nanoTime();
                    }
                    try (NDManager m = model.getNDManager().newSubManager();
                         GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray x = m.create(xs[s % 4], shape);
                        NDArray y = m.create(ys[s % 4], new Shape(batch));
                        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                        gc.backward(l);
                        l.getFloat();
                        opt.beginStep();
                        trainer.step();
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                return new Timing(steps * (double) batch / secs, secs, steps, batch, JniUtils.getNumThreads(),
                        ModelBuilder.trainableParams(model.getBlock()));
            }
        }
    }
}
