package dev.nasflow.workflow;

import dev.nasflow.space.Genome;
import dev.nasflow.spec.SearchSpec;

/**
 * Input of the training activity: which candidate to train, at which fidelity, and the spec sections it needs. Small:
 * data and weights are referenced by path, never carried.
 *
 * @param seed per-candidate seed derived from the search seed and the candidate's position
 */
public record CandidateTask(String searchId, String candidateId, int generation, int index, Genome genome, String arch,
                            String archHash, int epochs, long seed, SearchSpec spec) {
}
