package dev.nasflow.embedded;

/** The Temporal server at {@link #address()} did not answer its health check in time (down, wrong address, firewall). */
public final class TemporalUnreachableException extends IllegalStateException {
    private final String address;
    private final String reason;

    public TemporalUnreachableException(String message, String address, String reason, Throwable cause) {
        super(message, cause);
        this.address = address;
        this.reason = reason;
    }

    public String address() {
        return address;
    }

    /** The transport's last word, e.g. "UNAVAILABLE: io exception"; may be null. */
    public String reason() {
        return reason;
    }
}
