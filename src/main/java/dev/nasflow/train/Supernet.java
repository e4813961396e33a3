package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.Ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one-shot supernet of a {@link DartsSpace}: the DARTS skeleton ({@link DartsNet}: stem, normal and reduction
 * cells, classifier) whose cells hold every candidate op on every edge — node i has an edge from each earlier state
 * j &lt; i + 2 (0 = c_{k-2}, 1 = c_{k-1}, 2 + m = node m), and each edge one block per op of
 * {@link DartsSpace#mixedOps()} ({@code none} included when configured). Two ways to run it:
 * <ul>
 *   <li>mixed (DARTS, {@link #path} null): edge(x) = Σ_o softmax(α_edge)_o · op_o(x), node i = Σ_j edge_ij(s_j), with
 *       α_normal and α_reduce two trainable parameters of shape (edges, ops) shared by all cells of their kind;</li>
 *   <li>single path (SPOS, {@link #path} = a genome): node i = op1(s_in1) + op2(s_in2) with the genome's inputs and
 *       ops, run by the same shared op blocks, so every architecture of the space is a sub-network.</li>
 * </ul>
 */
final class Supernet extends Composite {
    static final String ALPHA_NORMAL = "alpha_normal";
    static final String ALPHA_REDUCE = "alpha_reduce";

    private final DartsSpace space;
    private final List<String> ops;
    private final int edges;
    private final Block stem;
    private final List<SuperCell> cells = new ArrayList<>();
    private final Block head;
    private final Parameter alphaNormal;
    private final Parameter alphaReduce;
    /** The single path to run (SPOS), null to run the mixed ops (DARTS). */
    private Genome path;

    Supernet(DartsSpace space, InputShape input, boolean withAlpha) {
        this.space = space;
        this.ops = space.mixedOps();
        this.edges = edgeCount(space.nodes());
        int c = space.channels();
        int cStem = DartsSpace.STEM_MULTIPLIER * c;
        stem = addChildBlock("stem", new SequentialBlock().add(Layers.conv(cStem, 3, 1)).add(Layers.bn()));
        int cpp = cStem;
        int cp = cStem;
        boolean reductionPrev = false;
        for (int l = 0; l < space.layers(); l++) {
            boolean reduction = space.isReduction(l);
            if (reduction) {
                c *= 2;
            }
            SuperCell cell = new SuperCell(l, cpp, c, reduction, reductionPrev);
            cells.add(cell);
            cpp = cp;
            cp = space.nodes() * c;
            reductionPrev = reduction;
        }
        head = addChildBlock("classifier", Layers.linear(input.classes()));
        if (withAlpha) {
            alphaNormal = addParameter(Parameter.builder().setName(ALPHA_NORMAL).setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(edges, ops.size())).build());
            alphaReduce = addParameter(Parameter.builder().setName(ALPHA_REDUCE).setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(edges, ops.size())).build());
        } else {
            alphaNormal = null;
            alphaReduce = null;
        }
        // the initialization DJL's trainer gives the stand-alone networks; α ~ N(0, 1e-3) as in DARTS
        setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        if (withAlpha) {
            alphaNormal.setInitializer(new NormalInitializer(1e-3f));
            alphaReduce.setInitializer(new NormalInitializer(1e-3f));
        }
    }

    /** Edges of a cell of {@code nodes} intermediate nodes: Σ_i (i + 2). */
    static int edgeCount(int nodes) {
        return nodes * (nodes + 3) / 2;
    }

    /** Index of the edge from state {@code input} into node {@code node}. */
    static int edgeIndex(int node, int input) {
        return node * (node + 3) / 2 + input;
    }

    DartsSpace space() {
        return space;
    }

    List<String> ops() {
        return ops;
    }

    int edges() {
        return edges;
    }

    Parameter alphaNormal() {
        return alphaNormal;
    }

    Parameter alphaReduce() {
        return alphaReduce;
    }

    boolean hasAlpha() {
        return alphaNormal != null;
    }

    /** Run the single path {@code g} (a valid genome of the space), or the mixed ops when null. */
    void path(Genome g) {
        if (g != null && !space.isValid(g)) {
            throw new IllegalArgumentException("path " + g + " is not valid in " + space.id() + ": "
                    + space.violations(g));
        }
        path = g;
    }

    Genome path() {
        return path;
    }

    /** The α parameters (empty without α). */
    List<Parameter> alphaParameters() {
        return alphaNormal == null ? List.of() : List.of(alphaNormal, alphaReduce);
    }

    /** Every trainable parameter except α: the network weights. */
    List<Parameter> weightParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : getParameters()) {
            Parameter q = p.getValue();
            if (q.requiresGradient() && q != alphaNormal && q != alphaReduce) {
                out.add(q);
            }
        }
        return out;
    }

    /**
     * The weights that single path {@code g} uses: stem, cell preprocessing, classifier, and in every cell the op
     * blocks of the genome's (input, op) pairs. The other op blocks are untouched by a step on this path.
     */
    List<Parameter> pathParameters(Genome g) {
        Set<Parameter> unused = new HashSet<>();
        Set<Parameter> used = new LinkedHashSet<>();
        for (SuperCell cell : cells) {
            for (Block[] edge : cell.ops) {
                for (Block b : edge) {
                    b.getParameters().forEach(p -> unused.add(p.getValue()));
                }
            }
            for (int i = 0; i < space.nodes(); i++) {
                DartsSpace.Node n = space.cell(g, cell.reduction).get(i);
                for (Block b : List.of(cell.op(i, n.input1(), n.op1()), cell.op(i, n.input2(), n.op2()))) {
                    b.getParameters().forEach(p -> used.add(p.getValue()));
                }
            }
        }
        unused.removeAll(used);
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : weightParameters()) {
            if (!unused.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray wNormal = null;
        NDArray wReduce = null;
        if (path == null) {
            if (alphaNormal == null) {
                throw new IllegalStateException("a supernet without α runs single paths only: set a path first");
            }
            // results of ops on α alone belong to α's (the model's) manager: move them, and the per-edge slices taken
            // from them, to the batch's manager so they are freed with the batch
            wNormal = ps.getValue(alphaNormal, x.getDevice(), training).softmax(1);
            wNormal.attach(x.getManager());
            wReduce = ps.getValue(alphaReduce, x.getDevice(), training).softmax(1);
            wReduce.attach(x.getManager());
        }
        NDArray s0 = run(stem, ps, x, training);
        NDArray s1 = s0;
        for (SuperCell cell : cells) {
            NDArray next = path == null ? cell.mixed(ps, s0, s1, cell.reduction ? wReduce : wNormal, training)
                    : cell.single(ps, s0, s1, space.cell(path, cell.reduction), training);
            s0 = s1;
            s1 = next;
        }
        return run(head, ps, Layers.gap(s1), training);
    }

    @Override
    protected Shape outputShape(Shape in) {
        Shape s0 = stem.getOutputShapes(new Shape[] {in})[0];
        Shape s1 = s0;
        for (SuperCell cell : cells) {
            Shape next = cell.outputShape(s1);
            s0 = s1;
            s1 = next;
        }
        return head.getOutputShapes(new Shape[] {new Shape(in.get(0), s1.get(1))})[0];
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
        Shape s0 = init(stem, manager, dataType, in);
        Shape s1 = s0;
        for (SuperCell cell : cells) {
            Shape next = cell.init(manager, dataType, s0, s1);
            s0 = s1;
            s1 = next;
        }
        init(head, manager, dataType, new Shape(in.get(0), s1.get(1)));
    }

    /** One supernet cell: preprocessing as in {@link DartsCell}, then every op on every edge. */
    private final class SuperCell {
        final Block pre0;
        final Block pre1;
        final Block[][] ops;
        final boolean reduction;
        final int c;

        SuperCell(int layer, int cpp, int c, boolean reduction, boolean reductionPrev) {
            this.c = c;
            this.reduction = reduction;
            String prefix = "cell" + layer;
            pre0 = addChildBlock(prefix + "_pre0", reductionPrev ? new FactorizedReduce(cpp, c)
                    : Layers.reluConvBn(c, 1, 1));
            pre1 = addChildBlock(prefix + "_pre1", Layers.reluConvBn(c, 1, 1));
            ops = new Block[edges][];
            for (int i = 0; i < space.nodes(); i++) {
                for (int j = 0; j < i + 2; j++) {
                    int e = edgeIndex(i, j);
                    int stride = reduction && j < 2 ? 2 : 1;
                    ops[e] = new Block[Supernet.this.ops.size()];
                    for (int o = 0; o < ops[e].length; o++) {
                        String op = Supernet.this.ops.get(o);
                        ops[e][o] = addChildBlock(prefix + "_node" + i + "_in" + j + "_" + op,
                                Layers.cellOp(op, c, stride));
                    }
                }
            }
        }

        Block op(int node, int input, String op) {
            return ops[edgeIndex(node, input)][Supernet.this.ops.indexOf(op)];
        }

        NDArray[] preprocess(ParameterStore ps, NDArray s0, NDArray s1, boolean training) {
            NDArray[] states = new NDArray[2 + space.nodes()];
            states[0] = run(pre0, ps, s0, training);
            states[1] = run(pre1, ps, s1, training);
            return states;
        }

        NDArray mixed(ParameterStore ps, NDArray s0, NDArray s1, NDArray weights, boolean training) {
            NDArray[] states = preprocess(ps, s0, s1, training);
            NDList out = new NDList();
            for (int i = 0; i < space.nodes(); i++) {
                NDArray sum = null;
                for (int j = 0; j < i + 2; j++) {
                    int e = edgeIndex(i, j);
                    for (int o = 0; o < ops[e].length; o++) {
                        if (Ops.NONE.equals(Supernet.this.ops.get(o))) {
                            continue; // zero output: contributes nothing, its α still competes in the softmax
                        }
                        NDArray y = run(ops[e][o], ps, states[j], training).mul(weights.get(e, o));
                        sum = sum == null ? y : sum.add(y);
                    }
                }
                if (sum == null) {
                    throw new IllegalStateException("every op of node " + i + " is 'none'");
                }
                states[2 + i] = sum;
                out.add(sum);
            }
            return NDArrays.concat(out, 1);
        }

        NDArray single(ParameterStore ps, NDArray s0, NDArray s1, List<DartsSpace.Node> nodes, boolean training) {
            NDArray[] states = preprocess(ps, s0, s1, training);
            NDList out = new NDList();
            for (int i = 0; i < nodes.size(); i++) {
                DartsSpace.Node n = nodes.get(i);
                NDArray a = run(op(i, n.input1(), n.op1()), ps, states[n.input1()], training);
                NDArray b = run(op(i, n.input2(), n.op2()), ps, states[n.input2()], training);
                states[2 + i] = a.add(b);
                out.add(states[2 + i]);
            }
            return NDArrays.concat(out, 1);
        }

        Shape init(NDManager manager, DataType dataType, Shape s0, Shape s1) {
            Shape p0 = Composite.init(pre0, manager, dataType, s0);
            Shape p1 = Composite.init(pre1, manager, dataType, s1);
            Shape node = Composite.strided(p1, c, reduction ? 2 : 1);
            for (int i = 0; i < space.nodes(); i++) {
                for (int j = 0; j < i + 2; j++) {
                    Shape in = j == 0 ? p0 : j == 1 ? p1 : node;
                    for (Block b : ops[edgeIndex(i, j)]) {
                        Composite.init(b, manager, dataType, in);
                    }
                }
            }
            return outputShape(s1);
        }

        Shape outputShape(Shape s1) {
            return Composite.strided(s1, (long) space.nodes() * c, reduction ? 2 : 1);
        }
    }
}
