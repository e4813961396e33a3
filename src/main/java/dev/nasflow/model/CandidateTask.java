package dev.nasflow.model;

import dev.nasflow.space.Genome;

/**
 * Input of the training activity: which candidate to train, at which fidelity, and the spec sections it needs. Small:
 * data and weights are referenced by path, never carried.
 *
 * @param seed per-candidate seed derived from the search seed and the candidate's position
 */
public record CandidateTask(String searchId, String candidateId, int generation, int index, Genome genome, String arch,
                            String archHash, int epochs, long seed, SearchSpec spec) {

    /** The id of candidate {@code index} of launch generation {@code generation}: the one formula for it. */
    public static String id(String searchId, int generation, int index) {
        return searchId + "-g" + generation + "-c" + index;
    }
}
