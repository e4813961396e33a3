package dev.nasflow.cli;

import dev.nasflow.embedded.DevStack;
import dev.nasflow.metrics.MetricsServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nasflow worker}: serves search workflows and trains candidates from a task queue. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Serve search workflows and train candidates from a task queue of an existing Temporal server, "
                + "publishing metrics to an existing Kafka.")
public final class WorkerCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metrics;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "4",
            description = "Concurrent candidates (default ${DEFAULT-VALUE}; DJL trains one per process).")
    int slots;

    @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = "nasflow", split = ",",
            description = "Task queue(s) to serve (default ${DEFAULT-VALUE}).")
    List<String> taskQueues;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch directory (default work/worker).")
    Path workDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var ts = temporal.settings();
        if (!ts.isExternal()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a worker needs a Temporal server: pass "
                    + "--temporal HOST:PORT or set TEMPORAL_ADDRESS (nasflow dev prints its address)");
        }
        DevStack stack = metrics.apply(DevStack.builder(Services.workDir(workDir, "worker")),
                MetricsServer.WORKER_PORT, "worker")
                .kafka(kafka.required("the worker publishes epoch metrics"))
                .temporal(ts)
                .taskQueues(taskQueues)
                .workerSlots(slots)
                .trainers(Services.trainers())
                .stopper(false)
                .surrogate(false)
                .start();
        System.out.println("nasflow worker: serving " + taskQueues + " on " + stack.temporal().address()
                + " with " + slots + " slot(s); metrics to " + stack.kafkaBootstrap() + "; Prometheus: "
                + MetricsOptions.describe(stack));
        System.out.flush();
        Services.runUntilStopped(stack);
        return 0;
    }
}
