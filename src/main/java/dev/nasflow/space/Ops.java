package dev.nasflow.space;

import java.util.List;

/**
 * The cost primitives shared by every space, and the cell op library of the NAS-Bench-201 and DARTS families.
 *
 * <p>Counting convention (docs/SPACES.md): {@code params} = trainable parameters (conv and linear weights, linear
 * biases, BatchNorm gamma + beta; running statistics are buffers, not parameters). {@code flops} = multiply-accumulates
 * of convolutions and linear layers only (1 MAC = 1 FLOP); BatchNorm, pooling, activations, element-wise additions,
 * concatenation and biases are not counted. Every conv has no bias; every BatchNorm is affine.
 *
 * <p>Spatial sizes: every stride-2 layer in nasflow maps a size {@code h} to {@link #down(int) ceil(h / 2)}; every
 * stride-1 layer keeps it ("same" padding, odd kernels).
 */
public final class Ops {
    private Ops() {
    }

    /** Zero op: outputs zeros of the output shape. Only a cell edge / multi-branch path; DARTS one-shot only. */
    public static final String NONE = "none";
    public static final String SKIP = "skip_connect";
    public static final String NOR_CONV_1X1 = "nor_conv_1x1";
    public static final String NOR_CONV_3X3 = "nor_conv_3x3";
    public static final String AVG_POOL_3X3 = "avg_pool_3x3";
    public static final String MAX_POOL_3X3 = "max_pool_3x3";
    public static final String SEP_CONV_3X3 = "sep_conv_3x3";
    public static final String SEP_CONV_5X5 = "sep_conv_5x5";
    public static final String DIL_CONV_3X3 = "dil_conv_3x3";
    public static final String DIL_CONV_5X5 = "dil_conv_5x5";

    /** Every op a cell edge (cell, darts) or a multi-branch path may use; all map C channels to C channels. */
    public static final List<String> CELL_OPS = List.of(NONE, SKIP, NOR_CONV_1X1, NOR_CONV_3X3, AVG_POOL_3X3,
            MAX_POOL_3X3, SEP_CONV_3X3, SEP_CONV_5X5, DIL_CONV_3X3, DIL_CONV_5X5);

    /** Spatial size after a stride-2 layer: ceil(h / 2). */
    public static int down(int h) {
        return (h + 1) / 2;
    }

    /** A conv without bias: cin/groups·k²·cout weights; MACs = weights × output positions. */
    public static Cost conv(int cin, int cout, int k, int groups, int outH, int outW) {
        if (cin % groups != 0 || cout % groups != 0) {
            throw new IllegalArgumentException("conv " + cin + "->" + cout + " cannot use " + groups + " groups");
        }
        long weights = (long) (cin / groups) * k * k * cout;
        return new Cost(weights, weights * outH * outW);
    }

    /** A dense conv without bias. */
    public static Cost conv(int cin, int cout, int k, int outH, int outW) {
        return conv(cin, cout, k, 1, outH, outW);
    }

    /** Affine BatchNorm: gamma and beta, no counted FLOPs. */
    public static Cost bn(int c) {
        return new Cost(2L * c, 0);
    }

    /** Linear layer with bias: in·out + out parameters, in·out MACs. */
    public static Cost linear(int in, int out) {
        return new Cost((long) in * out + out, (long) in * out);
    }

    /** ReLU-Conv(k, no bias)-BN(affine) from cin to cout. */
    public static Cost reluConvBn(int cin, int cout, int k, int outH, int outW) {
        return conv(cin, cout, k, outH, outW).plus(bn(cout));
    }

    /**
     * DARTS FactorizedReduce(cin → cout), stride 2: ReLU, two 1×1 stride-2 convs (cin → floor(cout/2) on x,
     * cin → cout − floor(cout/2) on x shifted by one pixel), concatenated, BN(cout).
     */
    public static Cost factorizedReduce(int cin, int cout, int outH, int outW) {
        int half = cout / 2;
        return conv(cin, half, 1, outH, outW).plus(conv(cin, cout - half, 1, outH, outW)).plus(bn(cout));
    }

    /** True when {@code op} is a known cell op. */
    public static boolean isCellOp(String op) {
        return CELL_OPS.contains(op);
    }

    /**
     * Cost of a cell op on {@code c} channels (c → c) with the given stride; {@code outH × outW} is its output size.
     * <ul>
     *   <li>none: zeros, 0 / 0.</li>
     *   <li>skip_connect: identity at stride 1; FactorizedReduce(c → c) at stride 2.</li>
     *   <li>nor_conv_k×k: ReLU-Conv(k, stride, pad k/2)-BN.</li>
     *   <li>avg_pool_3x3 / max_pool_3x3: 3×3 pool, pad 1 (average excludes padding), no parameters.</li>
     *   <li>sep_conv_k×k (DARTS SepConv): [ReLU, depthwise k×k (stride), pointwise 1×1, BN] then [ReLU, depthwise
     *       k×k (stride 1), pointwise 1×1, BN].</li>
     *   <li>dil_conv_k×k (DARTS DilConv): ReLU, depthwise k×k dilation 2 (stride), pointwise 1×1, BN.</li>
     * </ul>
     */
    public static Cost cellOp(String op, int c, int stride, int outH, int outW) {
        switch (op) {
            case NONE:
            case AVG_POOL_3X3:
            case MAX_POOL_3X3:
                return Cost.ZERO;
            case SKIP:
                return stride == 1 ? Cost.ZERO : factorizedReduce(c, c, outH, outW);
            case NOR_CONV_1X1:
                return reluConvBn(c, c, 1, outH, outW);
            case NOR_CONV_3X3:
                return reluConvBn(c, c, 3, outH, outW);
            case SEP_CONV_3X3:
                return sepConv(c, 3, outH, outW);
            case SEP_CONV_5X5:
                return sepConv(c, 5, outH, outW);
            case DIL_CONV_3X3:
                return dilConv(c, 3, outH, outW);
            case DIL_CONV_5X5:
                return dilConv(c, 5, outH, outW);
            default:
                throw new IllegalArgumentException("unknown cell op '" + op + "'; known: " + CELL_OPS);
        }
    }

    private static Cost dilConv(int c, int k, int outH, int outW) {
        return conv(c, c, k, c, outH, outW).plus(conv(c, c, 1, outH, outW)).plus(bn(c));
    }

    private static Cost sepConv(int c, int k, int outH, int outW) {
        Cost half = dilConv(c, k, outH, outW); // depthwise k×k + pointwise 1×1 + BN, same count as DilConv
        return half.plus(half);
    }
}
