package dev.nasflow.stream;

import org.apache.kafka.common.errors.SerializationException;

/** A record value that cannot be decoded into its event type, with the reason (see {@link PoisonReason}). */
public final class PoisonRecordException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final PoisonReason reason;

    public PoisonRecordException(PoisonReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PoisonRecordException(PoisonReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public PoisonReason reason() {
        return reason;
    }
}
