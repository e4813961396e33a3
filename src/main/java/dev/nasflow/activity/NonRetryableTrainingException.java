package dev.nasflow.activity;

/** A training error that retrying cannot fix (missing or corrupt data, impossible shapes). */
public class NonRetryableTrainingException extends RuntimeException {
    public NonRetryableTrainingException(String message) {
        super(message);
    }

    public NonRetryableTrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
