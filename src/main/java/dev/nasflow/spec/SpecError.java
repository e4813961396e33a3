package dev.nasflow.spec;

/**
 * One problem in a spec: where ({@code pointer}, an RFC 6901 JSON pointer such as {@code /budget/evaluations};
 * {@code ""} for the whole document), what is wrong ({@code message}) and how to fix it ({@code hint}).
 */
public record SpecError(String pointer, String message, String hint) {
    public SpecError {
        pointer = pointer == null ? "" : pointer;
        hint = hint == null ? "" : hint;
    }

    /** The pointer as printed: {@code /} for the whole document. */
    public String displayPointer() {
        return pointer.isEmpty() ? "/" : pointer;
    }

    /** {@code /pointer: message (fix: hint)}, the form {@code nasflow spec validate} prints after the file name. */
    @Override
    public String toString() {
        return displayPointer() + ": " + message + (hint.isEmpty() ? "" : " (fix: " + hint + ")");
    }
}
