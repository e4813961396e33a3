package dev.nasflow.stopping;

import java.util.Optional;

/**
 * Where the surrogate rule reads predictions from: architecture hash to the latest predicted final value. The
 * service wiring backs it with the compacted {@code nasflow.surrogate-predictions} topic; tests use a map.
 * Implementations must answer from memory (no blocking I/O) and return values oriented so that larger is better.
 */
@FunctionalInterface
public interface PredictionSource {
    Optional<Prediction> predict(String archHash);

    /** A source that knows nothing. */
    static PredictionSource none() {
        return h -> Optional.empty();
    }
}
