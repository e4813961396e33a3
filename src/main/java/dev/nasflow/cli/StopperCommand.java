package dev.nasflow.cli;

import dev.nasflow.wiring.DevStack;
import dev.nasflow.metrics.MetricsServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nasflow stopper}: the early-stopping service as its own process. */
@Command(name = "stopper", mixinStandardHelpOptions = true,
        description = "Run the early-stopping service: consumes nasflow.epoch-metrics (consumer group "
                + "nasflow-stopper), applies each search's stopping rule and stops weak candidates through Temporal.")
public final class StopperCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metrics;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch directory (default work/stopper).")
    Path workDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var ts = temporal.settings();
        if (!ts.isExternal()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the stopper needs a Temporal server: pass "
                    + "--temporal HOST:PORT or set TEMPORAL_ADDRESS");
        }
        DevStack stack = metrics.apply(DevStack.builder(Services.workDir(workDir, "stopper")),
                MetricsServer.STOPPER_PORT, "stopper")
                .kafka(kafka.required("the stopper consumes epoch metrics"))
                .temporal(ts).workerSlots(0).stopper(true).surrogate(false).start();
        System.out.println("nasflow stopper: consuming " + stack.kafkaBootstrap() + ", deciding through "
                + stack.temporal().address() + "; Prometheus: " + MetricsOptions.describe(stack));
        System.out.flush();
        Services.runUntilStopped(stack);
        return 0;
    }
}
