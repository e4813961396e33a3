package dev.nasflow.stream;

/**
 * A prediction of the surrogate service, on the compacted {@link Topics#SURROGATE_PREDICTIONS}. Two kinds share the
 * topic (schema version 1; the candidate fields are optional and additive, so readers of earlier builds, which ignore
 * unknown fields, still read every record):
 * <ul>
 *   <li><b>architecture</b> predictions ({@code candidateId} null): the final value the architecture model expects
 *       for an architecture (a pending candidate, or a pool a proposer asked about); key = architecture hash, so the
 *       topic keeps the latest per architecture;</li>
 *   <li><b>candidate</b> predictions ({@code candidateId} set): after epoch {@code epoch} of a running candidate, the
 *       final value (at epoch {@code fidelity}) the learning-curve model expects from the architecture and the curve
 *       observed so far; key = candidate id, so the topic keeps the latest per candidate.</li>
 * </ul>
 *
 * @param schemaVersion always {@link StreamEvent#SCHEMA_VERSION}
 * @param searchId      the search whose surrogate made it
 * @param archHash      the space's hash of the architecture
 * @param arch          the canonical string of the architecture
 * @param mean          predicted final value of the metric (its own units and direction, not oriented)
 * @param std           predicted standard deviation (>= 0)
 * @param modelVersion  version of the model (increases with each retraining)
 * @param quality       the model's quality on held-back finished candidates; null before it can be measured
 * @param candidateId   the running candidate (candidate predictions); null for architecture predictions
 * @param epoch         the last epoch of the candidate's curve the prediction used (candidate predictions)
 * @param fidelity      the epoch whose value is predicted (candidate predictions)
 * @param metric        the metric predicted (the search's primary objective); null when not recorded
 * @param trainedOn     finished candidates the model was fitted on; null when not recorded
 * @param metricTimestamp publication time of the epoch metric this prediction answers (candidate predictions;
 *                      latency = the record's own publication time minus this)
 * @param dof           degrees of freedom of the predictive distribution: Student's t with scale {@code std} (the
 *                      learning-curve model estimates its noise from few finished candidates); null = normal
 *                      (architecture predictions, and records of earlier builds)
 */
public record SurrogatePrediction(int schemaVersion, String searchId, String archHash, String arch, double mean,
                                  double std, long modelVersion, Quality quality, String candidateId, Integer epoch,
                                  Integer fidelity, String metric, Integer trainedOn, Long metricTimestamp,
                                  Double dof)
        implements StreamEvent {

    /**
     * Surrogate quality.
     *
     * @param kendallTau rank correlation between predicted and observed values (-1..1; NaN when undefined)
     * @param rmse       root mean squared error
     * @param n          number of (prediction, final value) pairs it was measured on
     */
    public record Quality(double kendallTau, double rmse, int n) {
        public Quality {
            if (n < 0) {
                throw new IllegalArgumentException("quality.n must be >= 0, got " + n);
            }
        }
    }

    public SurrogatePrediction {
        StreamEvent.checkSchemaVersion(schemaVersion);
        StreamEvent.requireText(searchId, "searchId");
        StreamEvent.requireText(archHash, "archHash");
        StreamEvent.requireText(arch, "arch");
        if (std < 0) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
        StreamEvent.requireNonNegative(modelVersion, "modelVersion");
        if (candidateId != null) {
            StreamEvent.requireText(candidateId, "candidateId");
            if (epoch == null || epoch < 1) {
                throw new IllegalArgumentException("epoch must be >= 1 for a candidate prediction, got " + epoch);
            }
            if (fidelity == null || fidelity < epoch) {
                throw new IllegalArgumentException("fidelity must be >= epoch for a candidate prediction, got "
                        + fidelity);
            }
        }
        if (trainedOn != null && trainedOn < 0) {
            throw new IllegalArgumentException("trainedOn must be >= 0, got " + trainedOn);
        }
        if (dof != null && !(dof > 0)) {
            throw new IllegalArgumentException("dof must be > 0 (or absent for a normal), got " + dof);
        }
    }

    /** An architecture prediction (no candidate fields). */
    public static SurrogatePrediction of(String searchId, String archHash, String arch, double mean, double std,
                                         long modelVersion, Quality quality) {
        return new SurrogatePrediction(SCHEMA_VERSION, searchId, archHash, arch, mean, std, modelVersion, quality,
                null, null, null, null, null, null, null);
    }

    /** An architecture prediction that says which metric it predicts and how many results the model saw. */
    public static SurrogatePrediction ofArch(String searchId, String archHash, String arch, double mean, double std,
                                             long modelVersion, Quality quality, String metric, int trainedOn) {
        return new SurrogatePrediction(SCHEMA_VERSION, searchId, archHash, arch, mean, std, modelVersion, quality,
                null, null, null, metric, trainedOn, null, null);
    }

    /** A candidate prediction: the final value of a running candidate after its epoch {@code epoch}. */
    public static SurrogatePrediction ofCandidate(String searchId, String candidateId, String archHash, String arch,
                                                  int epoch, int fidelity, String metric, double mean, double std,
                                                  long modelVersion, Quality quality, int trainedOn,
                                                  long metricTimestamp) {
        return ofCandidate(searchId, candidateId, archHash, arch, epoch, fidelity, metric, mean, std, modelVersion,
                quality, trainedOn, metricTimestamp, Double.POSITIVE_INFINITY);
    }

    /**
     * A candidate prediction whose predictive distribution is Student's t with {@code dof} degrees of freedom
     * (infinite = normal, written as absent).
     */
    public static SurrogatePrediction ofCandidate(String searchId, String candidateId, String archHash, String arch,
                                                  int epoch, int fidelity, String metric, double mean, double std,
                                                  long modelVersion, Quality quality, int trainedOn,
                                                  long metricTimestamp, double dof) {
        return new SurrogatePrediction(SCHEMA_VERSION, searchId, archHash, arch, mean, std, modelVersion, quality,
                candidateId, epoch, fidelity, metric, trainedOn, metricTimestamp,
                Double.isFinite(dof) ? Double.valueOf(dof) : null);
    }

    /** The degrees of freedom of the predictive distribution (infinite when absent: a normal). */
    public double dofOrInfinite() {
        return dof == null ? Double.POSITIVE_INFINITY : dof;
    }

    /** True for a prediction about a running candidate (keyed by candidate id). */
    public boolean forCandidate() {
        return candidateId != null;
    }

    @Override
    public String key() {
        return candidateId != null ? candidateId : archHash;
    }
}
