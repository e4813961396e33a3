package dev.nasflow.model;

import dev.nasflow.space.Genome;

import java.util.List;

/**
 * What the trained supernet yields: the architecture to retrain and how it was chosen — DARTS: softmax(α) per edge
 * (top-2 incoming edges per node by their strongest non-{@code none} op, each with that op); SPOS: the ranking of the
 * sampled candidates with inherited weights, best first.
 */
public record SupernetDerivation(String method, Genome genome, String arch, String archHash, List<AlphaEdge> alpha,
                                 List<RankedCandidate> ranking, int supernetEpochs, double wallSeconds) {
    public SupernetDerivation {
        alpha = alpha == null ? List.of() : List.copyOf(alpha);
        ranking = ranking == null ? List.of() : List.copyOf(ranking);
    }
}
