package dev.nasflow.model;

import java.util.List;
import java.util.Map;

/**
 * Where a supernet search stands (query {@code status}): phase {@code VALIDATING}, {@code SUPERNET} (training epoch
 * {@code epochsDone + 1}), {@code DERIVING}, {@code RETRAINING}, {@code COMPLETED} or {@code FAILED}; the epochs done,
 * the supernet's last metrics, the architecture derived so far (DARTS: from the current α) and every epoch report.
 */
public record SupernetStatus(String searchId, String method, String phase, int epochsDone, int supernetEpochs,
                             Map<String, Double> lastMetrics, String arch, List<SupernetEpoch> epochs,
                             CandidateResult retrain) {
    public SupernetStatus {
        lastMetrics = lastMetrics == null ? Map.of() : Map.copyOf(lastMetrics);
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }
}
