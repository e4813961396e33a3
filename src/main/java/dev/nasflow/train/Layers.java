package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.nasflow.space.Ops;

/**
 * The primitive layers of every nasflow network, following the counting convention of docs/SPACES.md: convolutions
 * without bias, affine BatchNorm (γ, β trainable; running mean / variance are buffers), parameter-free pools and
 * activations, Linear heads with bias. "Same" padding everywhere: {@code p = d·(k−1)/2}.
 */
final class Layers {
    private Layers() {
    }

    /** Conv k×k, stride s, dilation d, groups g, no bias, "same" padding. */
    static Block conv(int cout, int k, int stride, int groups, int dilation) {
        int pad = dilation * (k - 1) / 2;
        return Conv2d.builder()
                .setKernelShape(new Shape(k, k))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optDilation(new Shape(dilation, dilation))
                .optGroups(groups)
                .setFilters(cout)
                .optBias(false)
                .build();
    }

    static Block conv(int cout, int k, int stride) {
        return conv(cout, k, stride, 1, 1);
    }

    /** Affine BatchNorm over channels (axis 1), PyTorch's eps 1e-5 and momentum 0.1. */
    static Block bn() {
        return BatchNorm.builder().optAxis(1).optCenter(true).optScale(true).optEpsilon(1e-5f).optMomentum(0.9f)
                .build();
    }

    static Block relu() {
        return Fn.elementwise("relu", Activation::relu);
    }

    /** ReLU → Conv(k, stride) → BN (NB201's ReLUConvBN, DARTS' preprocessing). */
    static SequentialBlock reluConvBn(int cout, int k, int stride) {
        return new SequentialBlock().add(relu()).add(conv(cout, k, stride)).add(bn());
    }

    /** An activation by its chain-space name (docs/SPACES.md). */
    static Block activation(String name) {
        return switch (name) {
            case "relu" -> relu();
            case "relu6" -> Fn.elementwise(name, Activation::relu6);
            case "leaky_relu" -> Fn.elementwise(name, x -> Activation.leakyRelu(x, 0.01f));
            case "elu" -> Fn.elementwise(name, x -> Activation.elu(x, 1f));
            case "selu" -> Fn.elementwise(name, Activation::selu);
            case "gelu" -> Fn.elementwise(name, Activation::gelu);
            case "silu", "swish" -> Fn.elementwise("silu", x -> Activation.swish(x, 1f));
            case "mish" -> Fn.elementwise(name, Activation::mish);
            case "tanh" -> Fn.elementwise(name, Activation::tanh);
            case "sigmoid" -> Fn.elementwise(name, Activation::sigmoid);
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
        };
    }

    /** AvgPool 3×3, pad 1, padding excluded from the average (count_include_pad=False). */
    static Block avgPool3(int stride) {
        Shape k = new Shape(3, 3);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(1, 1);
        return new Fn("avg_pool_3x3/s" + stride, x -> avgExcludingPad(x, k, s, p),
                in -> Composite.strided(in, in.get(1), stride));
    }

    /**
     * Average pool whose divisor counts only the real (non-padding) inputs. DJL's PyTorch engine ignores
     * {@code countIncludePad=false} and always includes the padding, so the sum-including-padding is divided by the
     * per-position share of real inputs (the same pool over ones).
     */
    static NDArray avgExcludingPad(NDArray x, Shape k, Shape s, Shape p) {
        NDArray pooled = Pool.avgPool2d(x, k, s, p, false, true);
        Shape one = new Shape(1, 1, x.getShape().get(2), x.getShape().get(3));
        NDArray share = Pool.avgPool2d(x.getManager().ones(one, x.getDataType(), x.getDevice()), k, s, p, false,
                true);
        return pooled.div(share);
    }

    static Block maxPool3(int stride) {
        Shape k = new Shape(3, 3);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(1, 1);
        return new Fn("max_pool_3x3/s" + stride, x -> Pool.maxPool2d(x, k, s, p, false),
                in -> Composite.strided(in, in.get(1), stride));
    }

    /** AvgPool 2×2, stride 2, no padding, ceil_mode (NB201's reduction shortcut). */
    static Block avgPool2Ceil() {
        Shape k = new Shape(2, 2);
        Shape p = new Shape(0, 0);
        return new Fn("avg_pool_2x2", x -> Pool.avgPool2d(x, k, k, p, true, true),
                in -> Composite.strided(in, in.get(1), 2));
    }

    /** Global average pool to (N, C). */
    static Block globalAvgPool() {
        return new Fn("global_avg_pool", Layers::gap, in -> new Shape(in.get(0), in.get(1)));
    }

    static NDArray gap(NDArray x) {
        NDArray pooled = Pool.globalAvgPool2d(x);
        return pooled.getShape().dimension() == 2 ? pooled : pooled.reshape(x.getShape().get(0), x.getShape().get(1));
    }

    static Block linear(int out) {
        return Linear.builder().setUnits(out).optBias(true).build();
    }

    /**
     * A cell op on C channels (docs/SPACES.md, "Cell op library"): none, skip_connect (identity, or FactorizedReduce at
     * stride 2), nor_conv_1x1/3x3, avg/max_pool_3x3, sep_conv_3x3/5x5, dil_conv_3x3/5x5.
     */
    static Block cellOp(String op, int c, int stride) {
        return switch (op) {
            case Ops.NONE -> new Zero(stride);
            case Ops.SKIP -> stride == 1 ? new Identity() : new FactorizedReduce(c, c);
            case Ops.NOR_CONV_1X1 -> reluConvBn(c, 1, stride);
            case Ops.NOR_CONV_3X3 -> reluConvBn(c, 3, stride);
            case Ops.AVG_POOL_3X3 -> avgPool3(stride);
            case Ops.MAX_POOL_3X3 -> maxPool3(stride);
            case Ops.SEP_CONV_3X3 -> sepConv(c, 3, stride);
            case Ops.SEP_CONV_5X5 -> sepConv(c, 5, stride);
            case Ops.DIL_CONV_3X3 -> dilConv(c, 3, stride);
            case Ops.DIL_CONV_5X5 -> dilConv(c, 5, stride);
            default -> throw new IllegalArgumentException("unknown cell op '" + op + "'; known: " + Ops.CELL_OPS);
        };
    }

    /** DARTS DilConv: ReLU → depthwise k×k (stride, dilation 2) → pointwise 1×1 → BN. */
    static SequentialBlock dilConv(int c, int k, int stride) {
        return new SequentialBlock().add(relu()).add(conv(c, k, stride, c, 2)).add(conv(c, 1, 1)).add(bn());
    }

    /** DARTS SepConv: [ReLU → depthwise k×k (stride) → 1×1 → BN] → [ReLU → depthwise k×k → 1×1 → BN]. */
    static SequentialBlock sepConv(int c, int k, int stride) {
        return new SequentialBlock()
                .add(relu()).add(conv(c, k, stride, c, 1)).add(conv(c, 1, 1)).add(bn())
                .add(relu()).add(conv(c, k, 1, c, 1)).add(conv(c, 1, 1)).add(bn());
    }
}
