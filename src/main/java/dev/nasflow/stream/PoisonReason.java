package dev.nasflow.stream;

/** Why a record could not be decoded. */
public enum PoisonReason {
    /** No value, an empty value, bytes that are not JSON, or JSON that is not an object. */
    NOT_JSON,
    /** A {@code schemaVersion} other than the one this build reads. */
    WRONG_SCHEMA_VERSION,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong type or an invalid value. */
    INVALID_FIELD
}
