package dev.nasflow.cli;

/**
 * A user error a command detects itself: {@link CliErrors} prints its message (the problem, then the fix) and exits
 * with its {@link ExitCodes exit code}, without a stack trace unless {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    private final int exitCode;
    private final String fix;

    public CliException(int exitCode, String problem, String fix) {
        this(exitCode, problem, fix, null);
    }

    public CliException(int exitCode, String problem, String fix, Throwable cause) {
        super(problem, cause);
        this.exitCode = exitCode;
        this.fix = fix;
    }

    public int exitCode() {
        return exitCode;
    }

    /** What to do about it (one line), or null. */
    public String fix() {
        return fix;
    }
}
