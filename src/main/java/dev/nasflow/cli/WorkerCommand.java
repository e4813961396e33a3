package dev.nasflow.cli;

import dev.nasflow.wiring.WorkerSupervisor;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.metrics.MetricsServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code nasflow worker}: serves search workflows and trains candidates from a task queue. {@code --slots N} with N
 * &gt; 1 starts N child worker processes of one slot each under a {@link WorkerSupervisor} (one training per JVM, as
 * DJL needs); {@code --in-process} keeps the N slots in this one JVM instead (cheap concurrency for the table
 * trainer; DJL candidates then take turns).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Serve search workflows and train candidates from a task queue of an existing Temporal server, "
                + "publishing metrics to an existing Kafka.")
public final class WorkerCommand implements Callable<Integer> {
    /** Options the supervisor sets per child itself (with their values, except the flag). */
    static final Set<String> PER_CHILD = Set.of("--slots", "--metrics-port", "--metrics-bind", "--work-dir",
            "--in-process", "--exit-with", "--devices");

    @Mixin
    TemporalOptions temporal;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOptions metrics;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "1",
            description = "Concurrent candidates (default ${DEFAULT-VALUE}). N > 1 starts N worker processes of one "
                    + "slot each, supervised (restarted when they die; SIGTERM is passed on); see --in-process.")
    int slots;

    @Option(names = "--in-process",
            description = "Keep all --slots in this one JVM instead of one process per slot: cheap for the nb201 "
                    + "table trainer; DJL candidates then take turns (one training per JVM).")
    boolean inProcess;

    @Option(names = "--devices", paramLabel = "INDEX", split = ",",
            description = "GPU device indices for the slots, e.g. 0,1,2,3: each slot's worker process sees only its "
                    + "device (CUDA_VISIBLE_DEVICES), so DJL's gpu(0) there is that GPU; slots are spread round-robin "
                    + "when there are more than devices. Always one process per slot (even with --slots 1); not with "
                    + "--in-process.")
    List<String> devices;

    @Option(names = "--exit-with", paramLabel = "PID", hidden = true,
            description = "Stop when process PID exits (set by the supervisor for its children).")
    Long exitWith;

    @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = "nasflow", split = ",",
            description = "Task queue(s) to serve (default ${DEFAULT-VALUE}).")
    List<String> taskQueues;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch directory (default work/worker).")
    Path workDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (slots < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--slots must be at least 1, got " + slots
                    + ": give the number of candidates to train at once");
        }
        var ts = temporal.settings();
        if (!ts.isExternal()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a worker needs a Temporal server: pass "
                    + "--temporal HOST:PORT or set TEMPORAL_ADDRESS (nasflow dev prints its address)");
        }
        kafka.required("the worker publishes epoch metrics");
        List<WorkerSupervisor.SlotDevice> slotDevices = List.of();
        if (devices != null) {
            if (inProcess) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--devices pins each slot's own "
                        + "worker process to a device, and --in-process keeps every slot in one process (fix: drop "
                        + "--in-process, or drop --devices)");
            }
            try {
                slotDevices = WorkerSupervisor.slotDevices(devices, slots,
                        System.getenv(WorkerSupervisor.ENV_CUDA_VISIBLE));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if ((slots > 1 || !slotDevices.isEmpty()) && !inProcess) {
            return supervise(ts.address().orElse("?"), slotDevices);
        }
        String pinned = pinnedDevice();
        if (pinned != null) {
            // before connecting: the assignment is in the log even when Temporal or Kafka are not up yet
            System.out.println("nasflow worker: " + pinned);
            System.out.flush();
        }
        if (exitWith != null) {
            watchParent(exitWith);
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
                + MetricsOptions.describe(stack) + (pinned == null ? "" : "; " + pinned));
        System.out.flush();
        Services.runUntilStopped(stack);
        return 0;
    }

    /**
     * A supervised child's device, as a phrase for its log ({@code slot 1 on device 1 (CUDA_VISIBLE_DEVICES=1):
     * ...}), or null when this process was not pinned to one.
     */
    private static String pinnedDevice() {
        String slot = System.getenv(WorkerSupervisor.ENV_SLOT);
        String device = System.getenv(WorkerSupervisor.ENV_DEVICE);
        String visible = System.getenv(WorkerSupervisor.ENV_CUDA_VISIBLE);
        if (slot == null || device == null || visible == null) {
            return null;
        }
        return "slot " + slot + " on device " + device + " (" + WorkerSupervisor.ENV_CUDA_VISIBLE + "=" + visible
                + ": DJL's gpu(0) in this process is that device)";
    }

    /** N child processes of one slot each; blocks until stopped, returns the exit status. */
    private int supervise(String temporalAddress, List<WorkerSupervisor.SlotDevice> slotDevices) throws Exception {
        List<String> command = new ArrayList<>(WorkerSupervisor.javaCommand(slots));
        command.add("worker");
        command.addAll(childArgs(spec.commandLine().getParseResult()));
        Path dir = Services.workDir(workDir, "worker");
        int port = metrics.port(MetricsServer.WORKER_PORT);
        WorkerSupervisor sup = new WorkerSupervisor(new WorkerSupervisor.Config(slots, command, dir, port > 0,
                slotDevices), System.out);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sup.close();
            try {
                closed.await(WorkerSupervisor.STOP_GRACE.toSeconds() + 15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nasflow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            sup.start(metrics.bind, port);
            System.out.println("nasflow worker: supervising " + slots + " worker processes of one slot each on "
                    + taskQueues + " (" + temporalAddress + "); work dirs " + dir.resolve("slot-N") + "; Prometheus: "
                    + (sup.metricsPort() > 0 ? "http://127.0.0.1:" + sup.metricsPort() + "/metrics (every slot, label "
                    + WorkerSupervisor.LABEL + ")" : "off (--metrics-port PORT to serve)")
                    + (slotDevices.isEmpty() ? "" : "; devices " + describe(slotDevices)));
            System.out.flush();
            code = sup.await();
        } catch (Exception e) {
            sup.close();
            throw e;
        } finally {
            closed.countDown();
        }
        if (code != 0) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already stopping: the hook has run
            }
        }
        return code;
    }

    /** {@code slot 0 -> 0, slot 1 -> 1 (CUDA_VISIBLE_DEVICES=5), ...} */
    static String describe(List<WorkerSupervisor.SlotDevice> slotDevices) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < slotDevices.size(); i++) {
            WorkerSupervisor.SlotDevice d = slotDevices.get(i);
            b.append(i == 0 ? "" : ", ").append("slot ").append(i).append(" -> ").append(d.index());
            if (!d.visible().equals(Integer.toString(d.index()))) {
                b.append(" (").append(WorkerSupervisor.ENV_CUDA_VISIBLE).append('=').append(d.visible()).append(')');
            }
        }
        return b.toString();
    }

    /** The options given to this command, minus those the supervisor sets per child, as arguments again. */
    static List<String> childArgs(CommandLine.ParseResult pr) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : pr.matchedOptions()) {
            if (PER_CHILD.contains(o.longestName()) || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            List<String> values = o.originalStringValues();
            if (values.isEmpty() || o.arity().max() == 0) {
                out.add(o.longestName()); // a flag: its recorded value is implied
                continue;
            }
            for (String v : values) {
                out.add(o.longestName());
                out.add(v);
            }
        }
        return out;
    }

    /** Stops this JVM (gracefully, through the shutdown hook) when the supervisor process dies. */
    private static void watchParent(long pid) {
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println("nasflow worker: supervisor process " + pid + " is gone; exiting");
            System.exit(1);
        }
        parent.get().onExit().thenRun(() -> {
            System.err.println("nasflow worker: supervisor process " + pid + " exited; stopping");
            System.exit(0);
        });
    }
}
