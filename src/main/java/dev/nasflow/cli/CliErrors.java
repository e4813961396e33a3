package dev.nasflow.cli;

import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.embedded.TemporalUnreachableException;
import dev.nasflow.stream.KafkaSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/**
 * The one place where a command's failure becomes what the user sees: one or two plain lines (the problem, then the
 * fix) and an {@link ExitCodes exit code}. Stack traces only with {@code --verbose}. Installed on the command line by
 * {@link Main#commandLine()} for both picocli paths: usage errors ({@link #handleParseException}) and exceptions a
 * command throws ({@link #handleExecutionException}).
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final String VERBOSE = "--verbose";
    static final String KAFKA_FIX = "check that the broker runs and its address (--kafka HOST:PORT or "
            + KafkaSettings.ENV_BOOTSTRAP + "; './nasflow dev' prints its broker's; quickstart and dev start their own "
            + "without --kafka)";

    /** What to print and which code to exit with. */
    record Verdict(int exitCode, String problem, String fix) {
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText(name(cl) + ": " + ex.getMessage()).toString());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("  fix: see '" + name(cl) + " --help'");
        }
        if (Arrays.asList(args).contains(VERBOSE)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult full) {
        Verdict v = classify(ex, cl);
        PrintWriter err = cl.getErr();
        System.out.flush();
        System.err.flush();
        err.println(name(cl) + ": " + v.problem());
        if (v.fix() != null) {
            err.println("  fix: " + v.fix());
        }
        if (full != null && full.originalArgs().contains(VERBOSE)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return v.exitCode();
    }

    static String name(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName(" ");
    }

    /** The exit code and the lines for {@code ex}, thrown by the command of {@code cl}. */
    static Verdict classify(Throwable ex, CommandLine cl) {
        String temporal = temporalAddress(cl);
        CliException own = find(ex, CliException.class);
        if (own != null) {
            return new Verdict(own.exitCode(), own.getMessage(), own.fix());
        }
        if (ex instanceof CommandLine.ParameterException pe) {
            return new Verdict(ExitCodes.USAGE, pe.getMessage(), "see '" + name(cl) + " --help'");
        }
        WorkflowExecutionAlreadyStarted dup = find(ex, WorkflowExecutionAlreadyStarted.class);
        if (dup != null) {
            String id = dup.getExecution().getWorkflowId();
            return new Verdict(ExitCodes.ALREADY_EXISTS, "a search with id '" + id + "' already exists on the "
                    + "Temporal server at " + temporal + " (ids are unique, also after the search ended)",
                    "give another --id, or leave --id out for a fresh one ('nasflow search status " + id
                            + "' shows the existing search)");
        }
        WorkflowNotFoundException nf = find(ex, WorkflowNotFoundException.class);
        StatusRuntimeException grpc = find(ex, StatusRuntimeException.class);
        if (nf != null || (grpc != null && grpc.getStatus().getCode() == Status.Code.NOT_FOUND
                && find(ex, WorkflowUpdateException.class) == null)) {
            String id = nf != null ? nf.getExecution().getWorkflowId() : searchIdArgument(cl);
            return new Verdict(ExitCodes.NOT_FOUND, "no search '" + id + "' on the Temporal server at " + temporal
                    + " (namespace " + namespace(cl) + ")", "check the id ('nasflow search start' prints it; "
                    + "'temporal workflow list' lists them) and --temporal / --namespace");
        }
        TemporalUnreachableException down = find(ex, TemporalUnreachableException.class);
        if (down != null || (grpc != null && (grpc.getStatus().getCode() == Status.Code.UNAVAILABLE
                || grpc.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED))) {
            String where = down != null ? down.address() : temporal;
            return new Verdict(ExitCodes.UNREACHABLE, "cannot reach the Temporal server at " + where
                    + (down != null && down.reason() != null ? " (" + down.reason() + ")" : ""),
                    "start one ('./nasflow dev' or 'temporal server start-dev') and pass its address with "
                            + "--temporal HOST:PORT or " + TemporalSettings.ENV_ADDRESS);
        }
        org.apache.kafka.common.errors.TimeoutException kafkaTimeout =
                find(ex, org.apache.kafka.common.errors.TimeoutException.class);
        if (kafkaTimeout != null) {
            return new Verdict(ExitCodes.UNREACHABLE, "cannot reach the Kafka broker at " + kafkaAddress(cl)
                    + " (" + kafkaTimeout.getMessage() + ")", KAFKA_FIX);
        }
        WorkflowUpdateException upd = find(ex, WorkflowUpdateException.class);
        if (upd != null) {
            String why = failureMessage(upd);
            return new Verdict(ExitCodes.REJECTED, "search '" + upd.getExecution().getWorkflowId()
                    + "' rejected the " + upd.GetUpdateName() + " update: " + why,
                    why != null && why.contains("fix:") ? null : "correct the values and send it again");
        }
        WorkflowFailedException failed = find(ex, WorkflowFailedException.class);
        if (failed != null) {
            return new Verdict(ExitCodes.FAILED, "search '" + failed.getExecution().getWorkflowId() + "' ended "
                    + "without a result: " + failureMessage(failed), "'temporal workflow describe --workflow-id "
                    + failed.getExecution().getWorkflowId() + "' shows why; fix the cause and start it again");
        }
        dev.nasflow.activity.NonRetryableTrainingException training =
                find(ex, dev.nasflow.activity.NonRetryableTrainingException.class);
        if (training != null && training.getMessage() != null) {
            // a training that cannot succeed (missing or corrupt data, impossible shapes): its message says why
            String msg = training.getMessage();
            int at = msg.lastIndexOf(" (fix: ");
            return at > 0 && msg.endsWith(")")
                    ? new Verdict(ExitCodes.FAILED, "training cannot run: " + msg.substring(0, at),
                            msg.substring(at + 7, msg.length() - 1))
                    : new Verdict(ExitCodes.FAILED, "training cannot run: " + msg,
                            "check the spec's data and trainer sections (docs/SPEC.md)");
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String logs = CliLogging.file() == null ? "" : "; logs: " + CliLogging.file();
        return new Verdict(ExitCodes.FAILED, "unexpected error: " + root.getClass().getSimpleName() + ": "
                + root.getMessage(), "run it again with --verbose for the stack trace" + logs);
    }

    /** The deepest failure message in the chain (an ApplicationFailure's own message, not its decorated one). */
    static String failureMessage(Throwable ex) {
        String msg = null;
        for (Throwable t = ex.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof ApplicationFailure af) {
                msg = (af.getType() == null || af.getType().isEmpty() || af.getType().endsWith("Exception")
                        ? "" : af.getType() + ": ") + af.getOriginalMessage();
            } else if (t instanceof TemporalFailure tf) {
                if (msg == null) {
                    msg = tf.getOriginalMessage();
                }
            } else if (msg == null) {
                msg = t.getMessage();
            }
        }
        return msg == null ? ex.getMessage() : msg;
    }

    static <T extends Throwable> T find(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String temporalAddress(CommandLine cl) {
        String a = optionValue(cl, "--temporal");
        if (a == null) {
            a = System.getenv(TemporalSettings.ENV_ADDRESS);
        }
        return a == null ? "(none given)" : a;
    }

    static String namespace(CommandLine cl) {
        String ns = optionValue(cl, "--namespace");
        if (ns == null) {
            ns = System.getenv("TEMPORAL_NAMESPACE");
        }
        return ns == null ? "default" : ns;
    }

    static String kafkaAddress(CommandLine cl) {
        String k = optionValue(cl, "--kafka");
        if (k == null) {
            k = System.getenv(KafkaSettings.ENV_BOOTSTRAP);
        }
        return k == null ? "(none given)" : k;
    }

    private static String optionValue(CommandLine cl, String name) {
        OptionSpec o = cl == null ? null : cl.getCommandSpec().findOption(name);
        Object v = o == null ? null : o.getValue();
        return v == null ? null : v.toString();
    }

    /** The first positional argument (the search id of the search subcommands). */
    private static String searchIdArgument(CommandLine cl) {
        List<CommandLine.Model.PositionalParamSpec> ps = cl.getCommandSpec().positionalParameters();
        Object v = ps.isEmpty() ? null : ps.get(0).getValue();
        return v == null ? "?" : v.toString();
    }
}
