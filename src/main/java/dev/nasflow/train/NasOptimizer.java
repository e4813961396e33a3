package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum, Adam and AdamW whose state (momentum buffers / first and second moments, step count) the
 * trainer can checkpoint and restore — DJL's own optimizers keep theirs private. The updates run in the PyTorch
 * engine's fused kernels ({@code NDArrayEx.sgdUpdate / adamUpdate}, which also zero the weight's gradient). The
 * learning rate is set by the trainer before every step ({@link #setLearningRate}).
 *
 * <p>Checkpoint layout ({@link #save}): int magic, UTF optimizer name, long steps, int parameter count, then per
 * trainable parameter in the block's parameter order an int array count and each array as an encoded {@link NDList}.
 */
final class NasOptimizer extends Optimizer {
    private static final int MAGIC = 0x4E41534F; // "NASO"

    private final String kind;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private float learningRate;
    private long steps;
    private final Map<String, NDArray[]> state = new HashMap<>();
    /** State read from a checkpoint, by parameter id, waiting for the parameter's first update. */
    private final Map<String, NDArray[]> restored = new HashMap<>();

    NasOptimizer(Recipe r) {
        super(new Builder());
        kind = r.optimizer();
        momentum = r.momentum().floatValue();
        beta1 = r.beta1().floatValue();
        beta2 = r.beta2().floatValue();
        epsilon = r.epsilon().floatValue();
        weightDecay = r.weightDecay().floatValue();
        learningRate = r.learningRate().floatValue();
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }

    void setLearningRate(double lr) {
        learningRate = (float) lr;
    }

    /** Called once per optimizer step, before the parameters are updated. */
    void beginStep() {
        steps++;
    }

    long steps() {
        return steps;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDArray[] s = state.computeIfAbsent(parameterId, id -> {
            NDArray[] r = restored.remove(id);
            if (r != null) {
                return r;
            }
            return "sgd".equals(kind) ? new NDArray[] {weight.zerosLike()}
                    : new NDArray[] {weight.zerosLike(), weight.zerosLike()};
        });
        if ("sgd".equals(kind)) {
            weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad, s[0]), new NDList(weight), learningRate,
                    weightDecay, 1f, -1f, momentum, false);
        } else {
            long t = Math.max(1, steps);
            double coef1 = 1.0 - Math.pow(beta1, t);
            double coef2 = 1.0 - Math.pow(beta2, t);
            float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, s[0], s[1]), new NDList(weight),
                    learningRate, corrected, weightDecay, 1f, -1f, beta1, beta2, epsilon, false,
                    "adamw".equals(kind));
        }
    }

    /** Writes the state of the trainable parameters {@code ids} (in block order). */
    void save(DataOutputStream out, List<String> ids) throws IOException {
        out.writeInt(MAGIC);
        out.writeUTF(kind);
        out.writeLong(steps);
        out.writeInt(ids.size());
        for (String id : ids) {
            NDArray[] s = state.get(id);
            if (s == null) {
                s = restored.get(id);
            }
            if (s == null) {
                out.writeInt(0);
                continue;
            }
            out.writeInt(s.length);
            for (NDArray a : s) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                new NDList(a).encode(buf);
                out.writeInt(buf.size());
                buf.writeTo(out);
            }
        }
    }

    /** Restores state written by {@link #save} for the same parameters {@code ids}; arrays go to {@code manager}. */
    void load(DataInputStream in, List<String> ids, NDManager manager) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a nasflow optimizer state (bad magic)");
        }
        String k = in.readUTF();
        if (!k.equals(kind)) {
            throw new IOException("optimizer state is for '" + k + "', the recipe uses '" + kind + "'");
        }
        steps = in.readLong();
        int n = in.readInt();
        if (n != ids.size()) {
            throw new IOException("optimizer state has " + n + " parameters, the model has " + ids.size());
        }
        for (String id : ids) {
            int count = in.readInt();
            if (count == 0) {
                continue;
            }
            NDArray[] s = new NDArray[count];
            for (int i = 0; i < count; i++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                s[i] = NDList.decode(manager, bytes).singletonOrThrow();
            }
            restored.put(id, s);
        }
    }
}
