package dev.nasflow.cli;

import dev.nasflow.wiring.DevStack;
import dev.nasflow.metrics.MetricsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nasflow dev}: the whole stack in one process until Ctrl-C. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run Kafka (embedded KRaft broker), Temporal (in-process server), a worker, the early-stopping "
                + "service and the surrogate service in this process until Ctrl-C. External Kafka/Temporal are "
                + "used when given.")
public final class DevCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metrics;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where broker data and logs go (default work/dev).")
    Path workDir;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "4",
            description = "Concurrent candidates trained by the in-process worker (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = "nasflow",
            description = "Task queue the worker serves (default ${DEFAULT-VALUE}).")
    String taskQueue;

    @Override
    public Integer call() throws Exception {
        DevStack stack = metrics.apply(DevStack.builder(Services.workDir(workDir, "dev")),
                MetricsServer.DEV_PORT, "dev")
                .kafka(kafka.settings().orElse(null))
                .temporal(temporal.settings())
                .taskQueues(java.util.List.of(taskQueue))
                .workerSlots(slots)
                .trainers(Services.trainers())
                .start();
        String t = stack.temporal().address();
        System.out.println("nasflow dev is running (Ctrl-C to stop)");
        System.out.println("  Temporal:   " + t + " (namespace " + stack.temporal().namespace() + ")");
        System.out.println("  Kafka:      " + stack.kafkaBootstrap());
        System.out.println("  task queue: " + taskQueue + " (" + slots + " slots)");
        System.out.println("  metrics:    " + MetricsOptions.describe(stack));
        System.out.println("  start a search:  ./nasflow search start workflows/quickstart.json --temporal " + t);
        System.out.println("  or:              temporal workflow start --address " + t
                + " --task-queue " + taskQueue + " --type SearchWorkflow --workflow-id my-search"
                + " --input-file workflows/quickstart.json");
        System.out.println("  watch metrics:   ./nasflow tail epoch-metrics --kafka " + stack.kafkaBootstrap());
        System.out.flush();
        Services.runUntilStopped(stack);
        return 0;
    }
}
