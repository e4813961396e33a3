package dev.nasflow.model;

import dev.nasflow.space.Genome;

import java.util.Map;

/**
 * What a candidate ended with. Results are reconciled by {@link #candidateId()}, never by count.
 *
 * @param epochsTrained    epochs actually completed (less than requested when stopped early)
 * @param reason           why it stopped early / failed (empty when completed)
 * @param resumedFromEpoch epoch the last attempt resumed from (0 = trained from scratch)
 * @param attempts         activity attempts used
 */
public record CandidateResult(String candidateId, int generation, int index, Genome genome, String arch,
                              String archHash, int epochsRequested, int epochsTrained, Outcome outcome,
                              Map<String, Double> metrics, String reason, double simSeconds, long wallMillis,
                              int resumedFromEpoch, int attempts) {
    public CandidateResult {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        reason = reason == null ? "" : reason;
    }

    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }


    public CandidateResult withOutcome(Outcome o, String why) {
        return new CandidateResult(candidateId, generation, index, genome, arch, archHash, epochsRequested,
                epochsTrained, o, metrics, why, simSeconds, wallMillis, resumedFromEpoch, attempts);
    }
}
