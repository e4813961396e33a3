package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.nasflow.model.AlphaEdge;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.Ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DARTS derivation: softmax(α) of a supernet, its summary per edge, and the discrete architecture it implies. */
final class Derivations {
    private final SupernetParts parts;
    private final Supernet net;
    private final DartsSpace space;

    Derivations(SupernetParts parts, DartsSpace space) {
        this.parts = parts;
        this.net = parts.net();
        this.space = space;
    }

    /** softmax(α) of the normal ({@code reduce} false) or reduction cell: [edge][op]. */
    float[][] alphaWeights(boolean reduce) {
        if (!net.hasAlpha()) {
            throw new IllegalStateException("an SPOS supernet has no α");
        }
        NDArray a = (reduce ? net.alphaReduce() : net.alphaNormal()).getArray();
        try (NDManager tmp = parts.manager().newSubManager()) {
            NDArray s = a.softmax(1);
            s.attach(tmp);
            float[] flat = s.toFloatArray();
            int ops = net.ops().size();
            float[][] out = new float[net.edges()][ops];
            for (int e = 0; e < out.length; e++) {
                System.arraycopy(flat, e * ops, out[e], 0, ops);
            }
            return out;
        }
    }

    /** The architecture DARTS derives from the current α ({@link #discretize}). */
    Genome derive() {
        return discretize(space, net.ops(), alphaWeights(false), alphaWeights(true));
    }

    /**
     * DARTS discretization: per intermediate node, every incoming edge is scored by its strongest op other than
     * {@code none}; the two best-scored edges are kept (ties: the earlier input), each with that op.
     *
     * @param ops     the mixed-op list the weights are over ({@link DartsSpace#mixedOps()})
     * @param normal  softmax(α_normal) [edge][op]
     * @param reduce  softmax(α_reduce) [edge][op]
     */
    static Genome discretize(DartsSpace space, List<String> ops, float[][] normal, float[][] reduce) {
        StringBuilder sb = new StringBuilder();
        for (int cell = 0; cell < 2; cell++) {
            float[][] w = cell == 0 ? normal : reduce;
            sb.append(cell == 0 ? "normal=" : ";reduce=");
            for (int i = 0; i < space.nodes(); i++) {
                int inputs = i + 2;
                int[] bestOp = new int[inputs];
                double[] strength = new double[inputs];
                for (int j = 0; j < inputs; j++) {
                    float[] row = w[Supernet.edgeIndex(i, j)];
                    bestOp[j] = -1;
                    strength[j] = Double.NEGATIVE_INFINITY;
                    for (int o = 0; o < row.length; o++) {
                        if (!Ops.NONE.equals(ops.get(o)) && row[o] > strength[j]) {
                            strength[j] = row[o];
                            bestOp[j] = o;
                        }
                    }
                }
                Integer[] byStrength = new Integer[inputs];
                for (int j = 0; j < inputs; j++) {
                    byStrength[j] = j;
                }
                Arrays.sort(byStrength, (a, b) -> strength[a] != strength[b] ? Double.compare(strength[b], strength[a])
                        : Integer.compare(a, b));
                int a = Math.min(byStrength[0], byStrength[1]);
                int b = Math.max(byStrength[0], byStrength[1]);
                if (i > 0) {
                    sb.append('|');
                }
                sb.append(ops.get(bestOp[a])).append('~').append(a).append(',')
                        .append(ops.get(bestOp[b])).append('~').append(b);
            }
        }
        return space.parse(sb.toString());
    }

    /** softmax(α) of every edge of both cells, with its strongest non-{@code none} op. */
    List<AlphaEdge> alphaSummary() {
        List<AlphaEdge> out = new ArrayList<>();
        for (int cell = 0; cell < 2; cell++) {
            float[][] w = alphaWeights(cell == 1);
            for (int i = 0; i < space.nodes(); i++) {
                for (int j = 0; j < i + 2; j++) {
                    float[] row = w[Supernet.edgeIndex(i, j)];
                    Map<String, Double> m = new LinkedHashMap<>();
                    String best = null;
                    double bw = Double.NEGATIVE_INFINITY;
                    for (int o = 0; o < row.length; o++) {
                        double v = Math.round(row[o] * 1e6) / 1e6;
                        m.put(net.ops().get(o), v);
                        if (!Ops.NONE.equals(net.ops().get(o)) && row[o] > bw) {
                            bw = row[o];
                            best = net.ops().get(o);
                        }
                    }
                    out.add(new AlphaEdge(DartsSpace.CELLS.get(cell), i, j, m, best, Math.round(bw * 1e6) / 1e6));
                }
            }
        }
        return out;
    }
}
