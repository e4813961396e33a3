package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;

/**
 * A NAS-Bench-201-family cell on C channels: node 0 = input, node j = Σ_{i<j} op_{j←i}(node i), output = the last
 * node. Edges in decision order ({@link CellSpace#edge(int)}); {@code none} edges add nothing (a node whose edges are
 * all {@code none} is zeros).
 */
final class Nb201Cell extends Composite {
    private final int nodes;
    private final int[][] edges;
    private final Block[] ops;

    Nb201Cell(CellSpace space, Genome g, int c) {
        nodes = space.nodes();
        edges = new int[space.edgeCount()][];
        ops = new Block[edges.length];
        for (int e = 0; e < edges.length; e++) {
            edges[e] = space.edge(e);
            String op = space.ops().get(g.choice(e));
            ops[e] = addChildBlock("edge_" + edges[e][1] + "_" + edges[e][0], Layers.cellOp(op, c, 1));
        }
    }

    int nodes() {
        return nodes;
    }

    int[][] edges() {
        return edges;
    }

    Block[] ops() {
        return ops;
    }

    @Override
    protected NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray[] node = new NDArray[nodes];
        node[0] = x;
        for (int j = 1; j < nodes; j++) {
            NDArray sum = null;
            for (int e = 0; e < edges.length; e++) {
                if (edges[e][1] == j && !(ops[e] instanceof Zero)) {
                    sum = NDArrays.sum(sum, run(ops[e], ps, node[edges[e][0]], training));
                }
            }
            node[j] = sum == null ? x.zerosLike() : sum;
        }
        return node[nodes - 1];
    }

    @Override
    protected Shape outputShape(Shape in) {
        return in;
    }

    @Override
    protected void initChildren(NDManager manager, DataType dataType, Shape in) {
        for (Block op : ops) {
            init(op, manager, dataType, in);
        }
    }
}
