package dev.nasflow.stopping;

/**
 * One epoch of one candidate's learning curve, as the early-stopping service sees it.
 *
 * <p>{@code value} is the search's primary metric <em>oriented so that larger is better</em>: the caller negates
 * minimised metrics (see {@link dev.nasflow.model.Direction#oriented(double)}). Non-finite values (NaN, a diverged
 * loss turned into -Infinity) are accepted and stored as "no usable value" (see {@link CurveStore}).
 *
 * @param searchId     the search (workflow) the candidate belongs to
 * @param candidateId  the candidate ({@code <searchId>-g<gen>-c<i>})
 * @param epoch        1-based epoch this value was measured after
 * @param targetEpochs the candidate's fidelity: the epoch its training ends at if it is not stopped
 * @param value        primary metric, larger is better
 * @param archHash     architecture hash of the candidate, or {@code null} when unknown (only the surrogate rule
 *                     needs it; the store remembers the first non-null hash it sees for a candidate)
 */
public record CurvePoint(String searchId, String candidateId, int epoch, int targetEpochs, double value,
                         String archHash) {
    public CurvePoint {
        if (searchId == null || searchId.isBlank()) {
            throw new IllegalArgumentException("searchId: must be a non-empty search id");
        }
        if (candidateId == null || candidateId.isBlank()) {
            throw new IllegalArgumentException("candidateId: must be a non-empty candidate id");
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch: must be >= 1 (epochs are 1-based), got " + epoch);
        }
        if (targetEpochs < 1) {
            throw new IllegalArgumentException("targetEpochs: must be >= 1, got " + targetEpochs);
        }
        if (archHash != null && archHash.isBlank()) {
            archHash = null;
        }
    }

    /** A point without an architecture hash. */
    public CurvePoint(String searchId, String candidateId, int epoch, int targetEpochs, double value) {
        this(searchId, candidateId, epoch, targetEpochs, value, null);
    }
}
