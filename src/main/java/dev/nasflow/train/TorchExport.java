package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a trained DJL network as a standalone PyTorch module: {@code model.py} (the runtime classes of
 * {@code torch_runtime.py} plus a {@code build()} whose nested constructor mirrors the DJL block tree one module per
 * block) and {@code weights.bin} + {@code weights.json}, the state dict.
 *
 * <p>State-dict layout: keys are the PyTorch module paths of the generated tree: {@code nn.Sequential} children are
 * numbered ({@code 0.}, {@code 1.}...), {@code Branches} children are {@code branches.i}, an NB201 cell's edges
 * {@code ops.k} (decision order), FactorizedReduce {@code conv_1}, {@code conv_2}, {@code bn}, the DARTS network
 * {@code stem}, {@code cells.l.pre0}, {@code cells.l.pre1}, {@code cells.l.ops.j} (j = 2·node + pair) and
 * {@code classifier}; leaves are {@code weight} (convolution, Linear, BatchNorm γ), {@code bias} (Linear, BatchNorm
 * β), {@code running_mean} and {@code running_var} (BatchNorm). {@code weights.json} maps each key to
 * {@code {"shape": [...], "offset": bytes}}; {@code weights.bin} holds the float32 values, little-endian, row-major,
 * in that order.
 */
public final class TorchExport {
    private final StringBuilder code = new StringBuilder();
    private final Map<String, NDArray> tensors = new LinkedHashMap<>();

    private TorchExport() {
    }

    /** The generated module source ({@code build()} expression and runtime) and the tensors by state-dict key. */
    public record Result(String pythonSource, Map<String, NDArray> tensors) {
    }

    public static Result of(Block network) {
        TorchExport e = new TorchExport();
        String expr = e.module(network, "", 1);
        String src = runtime() + "\n\ndef build():\n    return " + expr + "\n" + loader();
        return new Result(src, e.tensors);
    }

    /** Writes {@code model.py}, {@code weights.bin} and {@code weights.json} into {@code dir}. */
    public static void write(Block network, Path dir) throws IOException {
        Result r = of(network);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.py"), r.pythonSource());
        StringBuilder index = new StringBuilder("{\n");
        long offset = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve("weights.bin"))))) {
            int i = 0;
            for (Map.Entry<String, NDArray> t : r.tensors().entrySet()) {
                float[] v = t.getValue().toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(v);
                out.write(buf.array());
                long[] shape = t.getValue().getShape().getShape();
                index.append(String.format(Locale.ROOT, "  \"%s\": {\"shape\": %s, \"offset\": %d}%s%n", t.getKey(),
                        java.util.Arrays.toString(shape), offset, ++i < r.tensors().size() ? "," : ""));
                offset += v.length * 4L;
            }
        }
        index.append("}\n");
        Files.writeString(dir.resolve("weights.json"), index.toString());
    }

    private String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    private void param(Block b, String djlName, String prefix, String torchName) {
        for (Pair<String, Parameter> p : b.getDirectParameters()) {
            if (p.getKey().equals(djlName)) {
                tensors.put(key(prefix, torchName), p.getValue().getArray());
                return;
            }
        }
        throw new IllegalStateException("block " + b.getClass().getSimpleName() + " has no parameter " + djlName);
    }

    /** The Python constructor expression of {@code b}; records its parameters under {@code prefix}. */
    private String module(Block b, String prefix, int depth) {
        String ind = "\n" + "    ".repeat(depth + 1);
        if (b instanceof Conv2d c) {
            param(b, "weight", prefix, "weight");
            long[] w = c.getDirectParameters().get("weight").getArray().getShape().getShape();
            return String.format(Locale.ROOT, "nn.Conv2d(%d, %d, %d, stride=%d, padding=%d, dilation=%d, groups=%d, "
                            + "bias=False)", w[1] * c.getGroups(), c.getFilters(), c.getKernelShape().get(0),
                    c.getStride().get(0), c.getPadding().get(0), c.getDilation().get(0), c.getGroups());
        }
        if (b instanceof BatchNorm) {
            param(b, "gamma", prefix, "weight");
            param(b, "beta", prefix, "bias");
            param(b, "runningMean", prefix, "running_mean");
            param(b, "runningVar", prefix, "running_var");
            long n = b.getDirectParameters().get("gamma").getArray().getShape().get(0);
            return "nn.BatchNorm2d(" + n + ", eps=1e-5, momentum=0.1)";
        }
        if (b instanceof Linear) {
            param(b, "weight", prefix, "weight");
            param(b, "bias", prefix, "bias");
            long[] w = b.getDirectParameters().get("weight").getArray().getShape().getShape();
            return "nn.Linear(" + w[1] + ", " + w[0] + ")";
        }
        if (b instanceof Fn f) {
            return "Fn(\"" + f.name() + "\")";
        }
        if (b instanceof Zero z) {
            return "Zero(" + z.stride() + ")";
        }
        if (b instanceof Identity) {
            return "Identity()";
        }
        if (b instanceof SequentialBlock s) {
            List<String> parts = new ArrayList<>();
            int i = 0;
            for (Block child : s.getChildren().values()) {
                parts.add(module(child, key(prefix, Integer.toString(i++)), depth + 1));
            }
            return "nn.Sequential(" + ind + String.join("," + ind, parts) + ")";
        }
        if (b instanceof Branches br) {
            List<String> parts = new ArrayList<>();
            int i = 0;
            for (Block child : br.branches()) {
                parts.add(module(child, key(prefix, "branches." + i++), depth + 1));
            }
            return "Branches(" + (br.concat() ? "True" : "False") + ", [" + ind + String.join("," + ind, parts)
                    + "])";
        }
        if (b instanceof FactorizedReduce fr) {
            return "FactorizedReduce(" + module(fr.convA(), key(prefix, "conv_1"), depth + 1) + ", "
                    + module(fr.convB(), key(prefix, "conv_2"), depth + 1) + ", "
                    + module(fr.bn(), key(prefix, "bn"), depth + 1) + ")";
        }
        if (b instanceof Nb201Cell cell) {
            List<String> parts = new ArrayList<>();
            for (int k = 0; k < cell.ops().length; k++) {
                parts.add(module(cell.ops()[k], key(prefix, "ops." + k), depth + 1));
            }
            return "Nb201Cell(" + cell.nodes() + ", " + pyEdges(cell.edges()) + ", [" + ind
                    + String.join("," + ind, parts) + "])";
        }
        if (b instanceof DartsNet net) {
            List<String> cells = new ArrayList<>();
            int l = 0;
            for (DartsCell c : net.cells()) {
                String p = key(prefix, "cells." + l++);
                List<String> ops = new ArrayList<>();
                List<String> inputs = new ArrayList<>();
                int j = 0;
                for (int i = 0; i < c.ops.length; i++) {
                    inputs.add(c.inputs[i][0] + ", " + c.inputs[i][1]);
                    for (int k = 0; k < 2; k++) {
                        ops.add(module(c.ops[i][k], key(p, "ops." + j++), depth + 2));
                    }
                }
                cells.add("DartsCell(" + module(c.pre0, key(p, "pre0"), depth + 2) + ", "
                        + module(c.pre1, key(p, "pre1"), depth + 2) + ", [" + String.join(", ", inputs.stream()
                        .map(x -> "(" + x + ")").toList()) + "], [" + String.join(", ", ops) + "])");
            }
            return "DartsNet(" + module(net.stem(), key(prefix, "stem"), depth + 1) + ", [" + ind
                    + String.join("," + ind, cells) + "], " + module(net.head(), key(prefix, "classifier"), depth + 1)
                    + ")";
        }
        throw new IllegalArgumentException("no PyTorch export for block " + b.getClass().getName());
    }

    private static String pyEdges(int[][] edges) {
        List<String> e = new ArrayList<>();
        for (int[] x : edges) {
            e.add("(" + x[0] + ", " + x[1] + ")");
        }
        return "[" + String.join(", ", e) + "]";
    }

    static String runtime() {
        try (InputStream in = TorchExport.class.getResourceAsStream("torch_runtime.py")) {
            if (in == null) {
                throw new IllegalStateException("torch_runtime.py missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loader() {
        return """


                def load(directory=None):
                    \"\"\"The network with the exported weights, in eval mode.\"\"\"
                    import os
                    directory = directory or os.path.dirname(os.path.abspath(__file__))
                    model = build()
                    model.load_state_dict(read_weights(directory), strict=False)
                    missing = [k for k in model.state_dict() if not k.endswith("num_batches_tracked")
                               and k not in read_weights(directory)]
                    if missing:
                        raise RuntimeError("weights missing for " + ", ".join(missing))
                    return model.eval()
                """;
    }
}
