package dev.nasflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code nasflow} command line. */
@Command(name = "nasflow", mixinStandardHelpOptions = true, version = "nasflow 0.1.0",
        description = "Neural architecture search as durable Temporal workflows.",
        subcommands = {
                CommandLine.HelpCommand.class,
                QuickstartCommand.class,
                DevCommand.class,
                SearchCommand.class,
                WorkerCommand.class,
                StopperCommand.class,
                SurrogateCommand.class,
                TailCommand.class,
                BenchCommand.class,
                SpecCommand.class,
                ReportCommand.class,
                ExportCommand.class,
                RetrainCommand.class,
                SupernetCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = CliErrors.VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "Show library logs (DJL, Kafka, Temporal) on the terminal instead of the log file, and "
                    + "stack traces with errors.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        CliErrors errors = new CliErrors();
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        return cl;
    }

    public static void main(String[] args) {
        CliLogging.configure(args);
        System.exit(commandLine().execute(args));
    }
}
