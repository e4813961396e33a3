package dev.nasflow.cli;

/**
 * The exit codes of every nasflow command (README "Exit codes" lists them; {@code CliErrorsTest} checks each). A code
 * names the kind of problem, the message printed with it names the problem and the fix.
 */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /** The work failed: an invalid spec file, a search or training that failed, or an unexpected error. */
    public static final int FAILED = 1;
    /**
     * Bad usage: an unknown or malformed option, or a spec this command cannot run (the message names the command
     * that can).
     */
    public static final int USAGE = 2;
    /** Training diverged (a NaN or infinite metric, {@code nasflow retrain}). */
    public static final int DIVERGED = 3;
    /** No search (workflow) with the given id. */
    public static final int NOT_FOUND = 4;
    /** The id is taken: a search with this id runs or ran already. */
    public static final int ALREADY_EXISTS = 5;
    /** The Temporal server or the Kafka broker cannot be reached. */
    public static final int UNREACHABLE = 6;
    /** No worker polls the spec's task queue. */
    public static final int NO_WORKER = 7;
    /** The search refused the request (an update validator, e.g. {@code setBudget}, {@code stopCandidate}). */
    public static final int REJECTED = 8;

    private ExitCodes() {
    }
}
