package dev.nasflow.stream;

/**
 * A value on a nasflow topic: JSON with a {@code schemaVersion} (currently {@value #SCHEMA_VERSION}) and the search
 * it belongs to. {@link #key()} is the Kafka record key.
 */
public interface StreamEvent {
    /** The only schema version this build writes and accepts. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    String searchId();

    /** The Kafka record key: candidate id on per-candidate topics, architecture hash for predictions. */
    String key();

    static void checkSchemaVersion(int v) {
        if (v != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion must be " + SCHEMA_VERSION + ", got " + v);
        }
    }

    static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return value;
    }

    static long requireNonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, got " + value);
        }
        return value;
    }
}
