package dev.nasflow.strategy;

import dev.nasflow.space.Genome;

/**
 * A candidate to evaluate: an architecture and the fidelity (training epochs) to evaluate it at. Multi-fidelity
 * strategies may propose the same genome again at a higher fidelity (a promotion).
 */
public record Proposal(Genome genome, int epochs) {
}
