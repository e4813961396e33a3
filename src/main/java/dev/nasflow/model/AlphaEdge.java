package dev.nasflow.model;

import java.util.Map;

/**
 * Softmax(α) of one edge of a DARTS supernet cell: into {@code node} from state {@code input} (0 = c_{k-2},
 * 1 = c_{k-1}, 2 + j = node j), the weight of every candidate op, and the strongest op other than {@code none}.
 */
public record AlphaEdge(String cell, int node, int input, Map<String, Double> weights, String bestOp,
                        double bestWeight) {
    public AlphaEdge {
        weights = weights == null ? Map.of() : Map.copyOf(weights);
    }
}
