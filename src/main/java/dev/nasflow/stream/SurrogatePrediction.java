package dev.nasflow.stream;

/**
 * The surrogate's prediction for one architecture, on the compacted {@link Topics#SURROGATE_PREDICTIONS} (key =
 * architecture hash, so the topic keeps the latest prediction per architecture).
 *
 * @param schemaVersion always {@link StreamEvent#SCHEMA_VERSION}
 * @param searchId      the search whose surrogate made it
 * @param archHash      the space's hash of the architecture (record key)
 * @param arch          the canonical string of the architecture
 * @param mean          predicted value of the objective
 * @param std           predicted standard deviation (>= 0)
 * @param modelVersion  version of the surrogate model (increases with each retraining)
 * @param quality       the model's quality on held-back finished candidates; null before it can be measured
 */
public record SurrogatePrediction(int schemaVersion, String searchId, String archHash, String arch, double mean,
                                  double std, long modelVersion, Quality quality) implements StreamEvent {

    /**
     * Surrogate quality.
     *
     * @param kendallTau rank correlation between predicted and observed values (-1..1; NaN when undefined)
     * @param rmse       root mean squared error
     * @param n          number of finished candidates it was measured on
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
    }

    public static SurrogatePrediction of(String searchId, String archHash, String arch, double mean, double std,
                                         long modelVersion, Quality quality) {
        return new SurrogatePrediction(SCHEMA_VERSION, searchId, archHash, arch, mean, std, modelVersion, quality);
    }

    @Override
    public String key() {
        return archHash;
    }
}
