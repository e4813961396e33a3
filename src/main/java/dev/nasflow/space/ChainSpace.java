package dev.nasflow.space;

import java.util.ArrayList;
import java.util.List;

/**
 * A chain (sequential) space: a stem, {@code layers} layers each choosing an op, a kernel size, an output width and an
 * activation (and, when {@code skip} is on, whether the layer has a residual shortcut), then global average pooling
 * and a linear classifier. Every combination is valid.
 *
 * <p>Ops ({@link #CHAIN_OPS}), for a layer from {@code cin} to width {@code w} with kernel {@code k}, stride {@code s}
 * and activation {@code act} (every conv without bias, padding k/2, every BN affine):
 * <ul>
 *   <li>{@code conv}: Conv k×k (cin→w, s) → BN(w) → act.</li>
 *   <li>{@code sepconv}: depthwise Conv k×k (cin, s) → BN(cin) → act → Conv1×1 (cin→w) → BN(w) → act.</li>
 *   <li>{@code mbconv3}, {@code mbconv6} (inverted residual, expansion e = 3 or 6, E = e·cin): Conv1×1 (cin→E) →
 *       BN(E) → act → depthwise Conv k×k (E, s) → BN(E) → act → Conv1×1 (E→w) → BN(w) (no activation).</li>
 * </ul>
 * With the skip option on, the layer's output is body(x) + shortcut(x): identity when cin = w and s = 1, otherwise
 * Conv1×1 (cin→w, s) → BN(w); nothing follows the addition.
 *
 * <p>Downsampling: the layers at index floor(j·layers/stages), j = 1..stages−1, have stride 2 (so {@code stages}
 * resolutions); all others stride 1. Stem: Conv3×3 (in→channels) → BN → ReLU. Head: global average pool →
 * Linear(w_last → classes) with bias.
 *
 * <p>Canonical string: layers separated by {@code |}, each {@code op/k<kernel>/w<width>/<activation>} plus
 * {@code /skip} or {@code /noskip} when the space has the skip option, e.g. {@code conv/k3/w32/relu/skip|...}.
 */
public final class ChainSpace extends AbstractSpace {
    public static final List<String> CHAIN_OPS = List.of("conv", "sepconv", "mbconv3", "mbconv6");
    /**
     * Activations: relu, relu6, leaky_relu (slope 0.01), elu (α = 1), selu, gelu (exact, erf form), silu (= swish with
     * β = 1), mish, tanh, sigmoid. None has parameters.
     */
    public static final List<String> ACTIVATIONS = List.of("relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
            "silu", "mish", "tanh", "sigmoid");
    /** Options of the per-layer skip decision. */
    public static final List<String> SKIP_OPTIONS = List.of("noskip", "skip");

    private static final int PER_LAYER_FIXED = 4;

    private final int layers;
    private final List<String> ops;
    private final List<Integer> kernels;
    private final List<Integer> widths;
    private final List<String> activations;
    private final boolean skip;
    private final int channels;
    private final int stages;
    private final int perLayer;

    /** One layer of a genome, decoded. */
    public record Layer(String op, int kernel, int width, String activation, boolean skip, int stride) {
    }

    public ChainSpace(String id, int layers, List<String> ops, List<Integer> kernels, List<Integer> widths,
                      List<String> activations, boolean skip, int channels, int stages) {
        super(id, decisionsFor(layers, ops, kernels, widths, activations, skip));
        check(ops, CHAIN_OPS, "op");
        check(activations, ACTIVATIONS, "activation");
        for (int k : kernels) {
            if (k < 1 || k % 2 == 0) {
                throw new IllegalArgumentException("kernel sizes must be odd and positive, got " + k);
            }
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("widths must be positive, got " + w);
            }
        }
        if (kernels.stream().distinct().count() != kernels.size()
                || widths.stream().distinct().count() != widths.size()) {
            throw new IllegalArgumentException("kernels and widths must be distinct: " + kernels + ", " + widths);
        }
        if (channels < 1 || stages < 1 || layers < stages) {
            throw new IllegalArgumentException("need channels >= 1, stages >= 1 and layers >= stages: " + channels
                    + ", " + stages + ", " + layers);
        }
        this.layers = layers;
        this.ops = List.copyOf(ops);
        this.kernels = List.copyOf(kernels);
        this.widths = List.copyOf(widths);
        this.activations = List.copyOf(activations);
        this.skip = skip;
        this.channels = channels;
        this.stages = stages;
        this.perLayer = PER_LAYER_FIXED + (skip ? 1 : 0);
    }

    private static void check(List<String> given, List<String> known, String what) {
        for (String s : given) {
            if (!known.contains(s)) {
                throw new IllegalArgumentException("unknown " + what + " '" + s + "'; known: " + known);
            }
        }
        if (given.stream().distinct().count() != given.size()) {
            throw new IllegalArgumentException(what + "s must be distinct: " + given);
        }
    }

    private static List<Decision> decisionsFor(int layers, List<String> ops, List<Integer> kernels,
                                               List<Integer> widths, List<String> activations, boolean skip) {
        List<String> k = kernels.stream().map(String::valueOf).toList();
        List<String> w = widths.stream().map(String::valueOf).toList();
        List<Decision> d = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "layer" + i + ".";
            d.add(new Decision(p + "op", ops));
            d.add(new Decision(p + "kernel", k));
            d.add(new Decision(p + "width", w));
            d.add(new Decision(p + "activation", activations));
            if (skip) {
                d.add(new Decision(p + "skip", SKIP_OPTIONS));
            }
        }
        return d;
    }

    public int layers() {
        return layers;
    }

    public List<String> ops() {
        return ops;
    }

    public List<Integer> kernels() {
        return kernels;
    }

    public List<Integer> widths() {
        return widths;
    }

    public List<String> activations() {
        return activations;
    }

    public boolean skip() {
        return skip;
    }

    public int channels() {
        return channels;
    }

    public int stages() {
        return stages;
    }

    /** Stride of layer {@code i}: 2 at floor(j·layers/stages) for j = 1..stages−1, else 1. */
    public int stride(int i) {
        for (int j = 1; j < stages; j++) {
            if ((long) j * layers / stages == i) {
                return 2;
            }
        }
        return 1;
    }

    /** The decoded layers of a valid genome. */
    public List<Layer> decode(Genome g) {
        requireValid(g);
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            int b = i * perLayer;
            out.add(new Layer(ops.get(g.choice(b)), kernels.get(g.choice(b + 1)), widths.get(g.choice(b + 2)),
                    activations.get(g.choice(b + 3)), skip && g.choice(b + 4) == 1, stride(i)));
        }
        return out;
    }

    @Override
    public String canonical(Genome g) {
        StringBuilder sb = new StringBuilder();
        for (Layer l : decode(g)) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(l.op()).append("/k").append(l.kernel()).append("/w").append(l.width()).append('/')
                    .append(l.activation());
            if (skip) {
                sb.append(l.skip() ? "/skip" : "/noskip");
            }
        }
        return sb.toString();
    }

    @Override
    public Genome parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty architecture string; expected e.g. " + example());
        }
        String[] parts = s.trim().split("\\|", -1);
        if (parts.length != layers) {
            throw new IllegalArgumentException("architecture string has " + parts.length
                    + " layer(s) separated by '|', space '" + id() + "' has " + layers + " (e.g. " + example() + ")");
        }
        int[] c = new int[decisions().size()];
        for (int i = 0; i < layers; i++) {
            String where = "layer " + i;
            String[] f = parts[i].trim().split("/", -1);
            if (f.length != perLayer) {
                throw new IllegalArgumentException(where + ": '" + parts[i] + "' must have " + perLayer
                        + " fields op/k<kernel>/w<width>/<activation>" + (skip ? "/skip|noskip" : "")
                        + ", e.g. " + layerExample());
            }
            int b = i * perLayer;
            c[b] = indexOf(ops, f[0], where, "op");
            c[b + 1] = numberIndex(kernels, f[1], "k", where, "kernel");
            c[b + 2] = numberIndex(widths, f[2], "w", where, "width");
            c[b + 3] = indexOf(activations, f[3], where, "activation");
            if (skip) {
                c[b + 4] = indexOf(SKIP_OPTIONS, f[4], where, "skip flag");
            }
        }
        return genome(c);
    }

    private static int indexOf(List<String> options, String value, String where, String what) {
        int i = options.indexOf(value);
        if (i < 0) {
            throw new IllegalArgumentException(where + ": " + what + " '" + value + "' is not in this space; use one of "
                    + options);
        }
        return i;
    }

    private static int numberIndex(List<Integer> options, String field, String prefix, String where, String what) {
        if (!field.startsWith(prefix)) {
            throw new IllegalArgumentException(where + ": " + what + " field '" + field + "' must look like " + prefix
                    + options.get(0));
        }
        int v;
        try {
            v = Integer.parseInt(field.substring(prefix.length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + what + " field '" + field + "' must look like " + prefix
                    + options.get(0));
        }
        int i = options.indexOf(v);
        if (i < 0) {
            throw new IllegalArgumentException(where + ": " + what + " " + v + " is not in this space; use one of "
                    + options);
        }
        return i;
    }

    private String layerExample() {
        return ops.get(0) + "/k" + kernels.get(0) + "/w" + widths.get(0) + "/" + activations.get(0)
                + (skip ? "/skip" : "");
    }

    private String example() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < Math.min(layers, 2); i++) {
            l.add(layerExample());
        }
        return String.join("|", l) + (layers > 2 ? "|..." : "");
    }

    /**
     * Analytic cost (docs/SPACES.md, "chain"): stem Conv3×3 + BN; per layer its op (see the class comment) and, with
     * skip, a Conv1×1 + BN projection when the shape changes; Linear(w_last → classes).
     */
    @Override
    public Cost cost(Genome g, InputShape input) {
        int h = input.height();
        int w = input.width();
        int cin = channels;
        Cost total = Ops.conv(input.channels(), channels, 3, h, w).plus(Ops.bn(channels));
        for (Layer l : decode(g)) {
            int ho = l.stride() == 2 ? Ops.down(h) : h;
            int wo = l.stride() == 2 ? Ops.down(w) : w;
            total = total.plus(layerCost(l, cin, h, w, ho, wo));
            if (l.skip() && (cin != l.width() || l.stride() != 1)) {
                total = total.plus(Ops.conv(cin, l.width(), 1, ho, wo)).plus(Ops.bn(l.width()));
            }
            cin = l.width();
            h = ho;
            w = wo;
        }
        return total.plus(Ops.linear(cin, input.classes()));
    }

    private static Cost layerCost(Layer l, int cin, int h, int w, int ho, int wo) {
        int k = l.kernel();
        int out = l.width();
        switch (l.op()) {
            case "conv":
                return Ops.conv(cin, out, k, ho, wo).plus(Ops.bn(out));
            case "sepconv":
                return Ops.conv(cin, cin, k, cin, ho, wo).plus(Ops.bn(cin))
                        .plus(Ops.conv(cin, out, 1, ho, wo)).plus(Ops.bn(out));
            case "mbconv3":
            case "mbconv6": {
                int e = (l.op().equals("mbconv3") ? 3 : 6) * cin;
                return Ops.conv(cin, e, 1, h, w).plus(Ops.bn(e))
                        .plus(Ops.conv(e, e, k, e, ho, wo)).plus(Ops.bn(e))
                        .plus(Ops.conv(e, out, 1, ho, wo)).plus(Ops.bn(out));
            }
            default:
                throw new IllegalStateException("unknown chain op " + l.op());
        }
    }
}
