package dev.nasflow.space;

import java.util.ArrayList;
import java.util.List;

/**
 * A cell search space of the NAS-Bench-201 family: a DAG cell of {@code nodes} nodes where every pair i &lt; j has an
 * edge choosing one op; node 0 is the cell input, node j the sum of its incoming edges, the last node the cell output.
 * The cell is stacked in a macro skeleton (stem, {@code stages} stacks of {@code cellsPerStage} cells at C, 2C, 4C...,
 * a residual reduction block between stacks, BN + ReLU, global pool, classifier). NAS-Bench-201 is {@link #nb201()}:
 * 4 nodes, 6 edges, 5 ops, C=16, N=5, 3 stages. Every combination is valid, including cells whose output is cut from
 * the input by {@code none} edges (they exist in the benchmark). Ops come from {@link Ops#CELL_OPS}.
 *
 * <p>Decision order follows the NB201 string: edges into node 1, then into node 2, ...; within a node by source.
 * Cost model and skeleton: docs/SPACES.md.
 */
public class CellSpace extends AbstractSpace {
    public static final List<String> NB201_OPS =
            List.of("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3");

    private final int nodes;
    private final List<String> ops;
    private final int initChannels;
    private final int cellsPerStage;
    private final int stages;
    /** edge index → (from, to) */
    private final int[][] edges;

    public CellSpace(String id, int nodes, List<String> ops, int initChannels, int cellsPerStage, int stages) {
        super(id, decisionsFor(nodes, ops));
        for (String op : ops) {
            if (!Ops.isCellOp(op)) {
                throw new IllegalArgumentException("unknown cell op '" + op + "'; known: " + Ops.CELL_OPS);
            }
        }
        if (ops.stream().distinct().count() != ops.size()) {
            throw new IllegalArgumentException("cell ops must be distinct: " + ops);
        }
        if (initChannels < 1 || cellsPerStage < 1 || stages < 1) {
            throw new IllegalArgumentException("channels, cellsPerStage and stages must be positive: " + initChannels
                    + ", " + cellsPerStage + ", " + stages);
        }
        this.nodes = nodes;
        this.ops = List.copyOf(ops);
        this.initChannels = initChannels;
        this.cellsPerStage = cellsPerStage;
        this.stages = stages;
        List<int[]> e = new ArrayList<>();
        for (int to = 1; to < nodes; to++) {
            for (int from = 0; from < to; from++) {
                e.add(new int[] {from, to});
            }
        }
        this.edges = e.toArray(new int[0][]);
    }

    public static CellSpace nb201() {
        return new CellSpace("nb201", 4, NB201_OPS, 16, 5, 3);
    }

    private static List<Decision> decisionsFor(int nodes, List<String> ops) {
        if (nodes < 2) {
            throw new IllegalArgumentException("a cell needs at least 2 nodes, got " + nodes);
        }
        List<Decision> d = new ArrayList<>();
        for (int to = 1; to < nodes; to++) {
            for (int from = 0; from < to; from++) {
                d.add(new Decision("edge " + to + "<-" + from, ops));
            }
        }
        return d;
    }

    public int nodes() {
        return nodes;
    }

    public List<String> ops() {
        return ops;
    }

    public int initChannels() {
        return initChannels;
    }

    public int cellsPerStage() {
        return cellsPerStage;
    }

    public int stages() {
        return stages;
    }

    /** (from, to) of edge {@code i}, in decision order. */
    public int[] edge(int i) {
        return edges[i].clone();
    }

    public int edgeCount() {
        return edges.length;
    }

    @Override
    public String canonical(Genome g) {
        requireValid(g);
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (int to = 1; to < nodes; to++) {
            if (to > 1) {
                sb.append('+');
            }
            sb.append('|');
            for (int from = 0; from < to; from++) {
                sb.append(ops.get(g.choice(k++))).append('~').append(from).append('|');
            }
        }
        return sb.toString();
    }

    @Override
    public Genome parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty architecture string; expected e.g. " + example());
        }
        String[] nodeParts = s.trim().split("\\+", -1);
        if (nodeParts.length != nodes - 1) {
            throw new IllegalArgumentException("architecture string has " + nodeParts.length + " node groups, space '"
                    + id() + "' needs " + (nodes - 1) + " (e.g. " + example() + ")");
        }
        int[] c = new int[edges.length];
        int k = 0;
        for (int to = 1; to < nodes; to++) {
            String part = nodeParts[to - 1];
            if (part.length() < 2 || !part.startsWith("|") || !part.endsWith("|")) {
                throw new IllegalArgumentException("node " + to + ": group '" + part + "' must be wrapped in '|'");
            }
            String[] items = part.substring(1, part.length() - 1).split("\\|", -1);
            if (items.length != to) {
                throw new IllegalArgumentException("node " + to + " needs " + to + " inputs, got '" + part + "'");
            }
            for (int from = 0; from < to; from++) {
                String[] opAndSrc = items[from].split("~", -1);
                if (opAndSrc.length != 2) {
                    throw new IllegalArgumentException("node " + to + ": edge '" + items[from]
                            + "' must look like op~source");
                }
                int op = ops.indexOf(opAndSrc[0]);
                if (op < 0) {
                    throw new IllegalArgumentException("node " + to + ": unknown op '" + opAndSrc[0]
                            + "' on the edge from node " + from + "; known: " + ops);
                }
                if (!opAndSrc[1].equals(Integer.toString(from))) {
                    throw new IllegalArgumentException("node " + to + ": edge '" + items[from]
                            + "' must come from node " + from + " (inputs are listed in source order 0.." + (to - 1)
                            + ")");
                }
                c[k++] = op;
            }
        }
        return genome(c);
    }

    private String example() {
        StringBuilder sb = new StringBuilder();
        for (int to = 1; to < nodes; to++) {
            if (to > 1) {
                sb.append('+');
            }
            sb.append('|');
            for (int from = 0; from < to; from++) {
                sb.append(ops.get(ops.size() - 1)).append('~').append(from).append('|');
            }
        }
        return sb.toString();
    }

    /**
     * BANANAS path encoding: one feature per sequence of non-{@code none} ops of length 1..nodes-1; a feature is 1 when
     * some input→output path of the cell carries exactly that op sequence.
     */
    @Override
    public double[] pathEncoding(Genome g) {
        int real = ops.size() - (ops.contains("none") ? 1 : 0);
        int[] opIndex = new int[ops.size()];
        int r = 0;
        for (int i = 0; i < ops.size(); i++) {
            opIndex[i] = ops.get(i).equals("none") ? -1 : r++;
        }
        int total = 0;
        int[] offset = new int[nodes];
        int pow = 1;
        for (int len = 1; len < nodes; len++) {
            pow *= real;
            offset[len] = total;
            total += pow;
        }
        double[] v = new double[total];
        walk(g, 0, 0, 0, opIndex, real, offset, v);
        return v;
    }

    private void walk(Genome g, int node, int len, int code, int[] opIndex, int real, int[] offset, double[] v) {
        if (node == nodes - 1) {
            v[offset[len] + code] = 1.0;
            return;
        }
        for (int e = 0; e < edges.length; e++) {
            if (edges[e][0] == node) {
                int op = opIndex[g.choice(e)];
                if (op >= 0) {
                    walk(g, edges[e][1], len + 1, code * real + op, opIndex, real, offset, v);
                }
            }
        }
    }

    /**
     * Analytic cost of the macro network (docs/SPACES.md, "cell"): stem Conv3×3(in→C)+BN; per stage s (channels
     * C·2^s) {@code cellsPerStage} cells whose edges cost {@link Ops#cellOp} at stride 1; before stages 1, 2, ... a
     * ResNet basic reduction block (ReLU-Conv3×3 s2-BN, ReLU-Conv3×3-BN, shortcut AvgPool2×2 + Conv1×1); then BN,
     * ReLU, global average pool and Linear(C_last → classes).
     */
    @Override
    public Cost cost(Genome genome, InputShape input) {
        requireValid(genome);
        int h = input.height();
        int w = input.width();
        int c = initChannels;
        Cost total = Ops.conv(input.channels(), c, 3, h, w).plus(Ops.bn(c));
        for (int s = 0; s < stages; s++) {
            if (s > 0) {
                int out = 2 * c;
                h = Ops.down(h);
                w = Ops.down(w);
                total = total.plus(reductionBlock(c, out, h, w));
                c = out;
            }
            total = total.plus(cellCost(genome, c, h, w).times(cellsPerStage));
        }
        return total.plus(Ops.bn(c)).plus(Ops.linear(c, input.classes()));
    }

    /** One cell at {@code c} channels on an {@code h × w} map: the sum of its edge ops. */
    public Cost cellCost(Genome genome, int c, int h, int w) {
        Cost cell = Cost.ZERO;
        for (int e = 0; e < edges.length; e++) {
            cell = cell.plus(Ops.cellOp(ops.get(genome.choice(e)), c, 1, h, w));
        }
        return cell;
    }

    /**
     * The NB201 residual reduction block from {@code cin} to {@code cout} channels, {@code h × w} being its output
     * size: ReLU-Conv3×3(stride 2)-BN, ReLU-Conv3×3-BN, shortcut AvgPool2×2 (stride 2) then Conv1×1 (no BN).
     */
    public static Cost reductionBlock(int cin, int cout, int h, int w) {
        return Ops.reluConvBn(cin, cout, 3, h, w)
                .plus(Ops.reluConvBn(cout, cout, 3, h, w))
                .plus(Ops.conv(cin, cout, 1, h, w));
    }
}
