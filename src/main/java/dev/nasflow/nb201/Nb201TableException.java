package dev.nasflow.nb201;

/**
 * A NAS-Bench-201 table could not be loaded or queried: missing file, missing column, unparseable row (the message
 * names {@code file:line}) or an architecture outside the NB201 space. The message says what to fix.
 */
public class Nb201TableException extends RuntimeException {
    public Nb201TableException(String message) {
        super(message);
    }

    public Nb201TableException(String message, Throwable cause) {
        super(message, cause);
    }
}
