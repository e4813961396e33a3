package dev.nasflow.bench;

import dev.nasflow.train.TableCandidateTrainer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.embedded.EmbeddedTemporal;
import dev.nasflow.embedded.TemporalSettings;
import dev.nasflow.workflow.SearchState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How nasflow scales ({@code nasflow bench scaling}), in two parts.
 *
 * <p><b>Workers</b>: one Temporal server (in-process test server, served on loopback) and one embedded Kafka broker in
 * this JVM with no worker of its own ({@code workerSlots(0)}); {@code nasflow worker} processes (separate JVMs, started
 * here with this JVM's java and class path) are added one by one up to each count in {@link Config#workers()}. Each
 * worker has {@link Config#slotsPerWorker()} activity slots in its one JVM ({@code --in-process}: a worker process is
 * the unit measured here, not {@code --slots N}'s one-process-per-slot supervisor); candidates are table-trainer
 * candidates paced
 * {@link Config#pacingMillis()} ms of real time per epoch (training that waits on something other than these CPUs, so
 * more workers can help on a 2-core machine). Reported per count: candidates/s, speed-up over one worker, and the
 * ideal (slots x workers / seconds per candidate).
 *
 * <p><b>Population</b>: time per generation for each population size (no-work candidates, as in
 * {@link OverheadBench}, in-process stack with an in-process worker), a linear fit of seconds per generation against
 * population (slope = cost per candidate, intercept = fixed cost per generation) and the workflow history: events in
 * the last run, continue-as-new count with a history limit, and the size of the state carried across continue-as-new
 * (it holds every finished result, compact, so it grows slowly with the search while the event count stays bounded;
 * {@link CarriedStateBench} measures it at 5,000-20,000 results).
 */
public final class ScalingBench {
    /**
     * @param workers          worker-process counts to measure, ascending (e.g. 1, 2, 4)
     * @param slotsPerWorker   activity slots per worker process
     * @param pacingMillis     real-time pacing per epoch of the worker part
     * @param epochs           epochs per candidate of the worker part
     * @param candidatesPerSlot candidates per measured search of the worker part, per slot in use
     * @param populationPerSlot population (= maxConcurrent) of the worker part, per slot in use
     * @param populations      population sizes of the population part (e.g. 10, 50, 200)
     * @param generations      generations per population size
     * @param populationRepeats searches per population size (the report gives medians)
     * @param inProcessSlots   activity slots of the in-process worker of the population part
     * @param historyLimit     continue-as-new above this many history events (population part)
     * @param javaCommand      java binary for the worker processes
     * @param classPath        class path for the worker processes
     */
    public record Config(List<Integer> workers, int slotsPerWorker, int pacingMillis, int epochs,
                         int candidatesPerSlot, int populationPerSlot, List<Integer> populations, int generations,
                         int populationRepeats, int inProcessSlots, long historyLimit, Path workDir,
                         String javaCommand, String classPath) {
        public Config {
            workers = List.copyOf(workers);
            populations = List.copyOf(populations);
            for (int i = 0; i < workers.size(); i++) {
                if (workers.get(i) < 1 || (i > 0 && workers.get(i) <= workers.get(i - 1))) {
                    throw new IllegalArgumentException("--workers must be ascending counts >= 1, got " + workers);
                }
            }
            boolean badPopulations = populations.stream().anyMatch(p -> p < 1)
                    || (!populations.isEmpty() && populations.stream().distinct().count() < 2);
            if (badPopulations) {
                throw new IllegalArgumentException("--populations needs at least two distinct sizes >= 1, got "
                        + populations);
            }
            if (slotsPerWorker < 1 || pacingMillis < 0 || epochs < 1 || candidatesPerSlot < 1
                    || populationPerSlot < 1 || generations < 1 || populationRepeats < 1
                    || inProcessSlots < 1 || historyLimit < 0) {
                throw new IllegalArgumentException("--slots, --epochs, --candidates-per-slot, --population-per-slot, "
                        + "--generations and "
                        + "--in-process-slots must be >= 1, --pacing-ms and --history-limit >= 0");
            }
        }
    }

    private final Config config;
    private final Consumer<String> progress;

    public ScalingBench(Config config, Consumer<String> progress) {
        this.config = config;
        this.progress = progress == null ? s -> { } : progress;
    }

    public Map<String, Object> run() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!config.workers().isEmpty()) {
            out.put("workers", workers());
        }
        if (!config.populations().isEmpty()) {
            out.put("population", populations());
        }
        return out;
    }

    // ---- worker processes ----

    private Map<String, Object> workers() throws Exception {
        Path dir = config.workDir().resolve("workers");
        Files.createDirectories(dir);
        List<Process> procs = new ArrayList<>();
        List<Map<String, Object>> points = new ArrayList<>();
        double perCandidate = config.epochs() * config.pacingMillis() / 1000.0;
        try (DevStack stack = DevStack.builder(dir)
                .temporal(TemporalSettings.embedded())
                .workerSlots(0)
                .stopper(false)
                .surrogate(false)
                .start()) {
            EmbeddedTemporal temporal = stack.temporal();
            double base = Double.NaN;
            String tag = "scaling-" + Long.toString(System.currentTimeMillis(), 36);
            for (int count : config.workers()) {
                while (procs.size() < count) {
                    procs.add(startWorker(dir, procs.size(), temporal.address(), stack.kafkaBootstrap()));
                }
                int slots = count * config.slotsPerWorker();
                // warm-up: the new workers' JIT and connections, one candidate per slot
                SearchRun.run(stack.client(), spec(tag + "-w" + count + "-warmup", slots * 2, slots), tag + "-w"
                        + count + "-warmup", 600);
                int n = slots * config.candidatesPerSlot();
                SearchRun.Measurement m = SearchRun.run(stack.client(), spec(tag + "-w" + count, n, slots),
                        tag + "-w" + count, 1800);
                double rate = m.candidatesPerSecond();
                if (Double.isNaN(base)) {
                    base = rate / count;
                }
                double ideal = perCandidate > 0 ? slots / perCandidate : Double.NaN;
                progress.accept(String.format(Locale.ROOT, "workers %d (%d slots): %d candidates in %.2f s = %.1f "
                        + "candidates/s (ideal %.1f)", count, slots, m.candidates(), m.wallSeconds(), rate, ideal));
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("workers", count);
                p.put("slots", slots);
                p.put("candidates", m.candidates());
                p.put("wallSeconds", Stats.round(m.wallSeconds(), 3));
                p.put("candidatesPerSecond", Stats.round(rate, 2));
                p.put("speedupOverOneWorker", Stats.round(rate / base, 3));
                p.put("idealCandidatesPerSecond", Stats.round(ideal, 2));
                p.put("efficiency", Stats.round(rate / ideal, 3));
                points.add(p);
            }
        } finally {
            stopWorkers(procs);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("setup", String.format(Locale.ROOT, "in-process Temporal test server + embedded Kafka in the bench "
                        + "JVM (no worker there); 'nasflow worker --slots %d --in-process --metrics-port 0' processes; table "
                        + "trainer, %d epoch(s) paced %d ms each (real-time wait, not CPU); population = "
                        + "maxConcurrent = %d x slots; %d candidates per slot", config.slotsPerWorker(),
                config.epochs(), config.pacingMillis(),
                config.populationPerSlot(), config.candidatesPerSlot()));
        out.put("points", points);
        return out;
    }

    private ObjectNode spec(String name, int candidates, int slots) {
        int pop = slots * config.populationPerSlot();
        return SearchRun.spec(name, candidates, pop, pop, config.epochs(), config.pacingMillis(), 1, "nasflow");
    }

    private Process startWorker(Path dir, int i, String temporal, String kafka) throws IOException,
            InterruptedException {
        return WorkerProcesses.start(config.javaCommand(), List.of(), config.classPath(), List.of("--temporal",
                        temporal, "--kafka", kafka, "--slots", Integer.toString(config.slotsPerWorker()), "--in-process",
                        "--metrics-port", "0", "--work-dir", dir.resolve("worker-" + i).toString()),
                dir.resolve("worker-" + i + ".log"), "worker " + i, progress);
    }

    private static void stopWorkers(List<Process> procs) {
        WorkerProcesses.stopAll(procs);
    }

    // ---- population sizes ----

    private Map<String, Object> populations() throws Exception {
        Path dir = config.workDir().resolve("population");
        Files.createDirectories(dir);
        List<Map<String, Object>> points = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> cpus = new ArrayList<>();
        try (DevStack stack = DevStack.builder(dir)
                .temporal(TemporalSettings.embedded())
                .workerSlots(config.inProcessSlots())
                .trainers(List.of(new TableCandidateTrainer()))
                .stopper(false)
                .surrogate(false)
                .start()) {
            String tag = "population-" + Long.toString(System.currentTimeMillis(), 36);
            int maxPop = config.populations().stream().mapToInt(Integer::intValue).max().orElse(1);
            SearchRun.run(stack.client(), noWork(tag + "-warmup", maxPop * 2, maxPop), tag + "-warmup", 1800);
            for (int pop : config.populations()) {
                List<SearchRun.Measurement> runs = new ArrayList<>();
                String id = null;
                for (int r = 0; r < config.populationRepeats(); r++) {
                    id = tag + "-p" + pop + "-r" + r;
                    SearchRun.Measurement m = SearchRun.run(stack.client(),
                            noWork(id, pop * config.generations(), pop), id, 1800,
                            SearchState.withHistoryLimit(config.historyLimit()));
                    progress.accept(String.format(Locale.ROOT, "population %d: %d generations in %.2f s = %.3f s "
                                    + "per generation (CPU %.3f s); history %d events, continued as new %d times", pop,
                            m.generations(), m.wallSeconds(), m.secondsPerGeneration(),
                            m.cpuSeconds() / m.generations(), m.historyLength(), m.continuedAsNew()));
                    runs.add(m);
                }
                SearchRun.Measurement last = runs.get(runs.size() - 1);
                SearchRun.StartInput carried = SearchRun.startInput(stack.client(), id);
                double perGen = Stats.median(runs.stream().mapToDouble(SearchRun.Measurement::secondsPerGeneration)
                        .toArray());
                double cpuPerGen = Stats.median(runs.stream().mapToDouble(m -> m.cpuSeconds() / m.generations())
                        .toArray());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("population", pop);
                p.put("generations", last.generations());
                p.put("candidates", last.candidates());
                p.put("repeats", runs.size());
                p.put("wallSeconds", runs.stream().map(m -> Stats.round(m.wallSeconds(), 3)).toList());
                p.put("secondsPerGeneration", Stats.round(perGen, 4));
                p.put("msPerCandidate", Stats.round(perGen * 1000 / pop, 3));
                p.put("cpuSecondsPerGeneration", Stats.round(cpuPerGen, 4));
                p.put("cpuMsPerCandidate", Stats.round(cpuPerGen * 1000 / pop, 3));
                p.put("historyLength", last.historyLength());
                p.put("continuedAsNew", last.continuedAsNew());
                p.put("startInputBytes", carried.bytes());
                p.put("carriedResults", carried.carriedResults());
                if (carried.carriedResults() > 0) {
                    p.put("carriedBytesPerResult", Stats.round((double) carried.bytes() / carried.carriedResults(), 1));
                }
                points.add(p);
                xs.add((double) pop);
                ys.add(perGen);
                cpus.add(cpuPerGen);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("setup", String.format(Locale.ROOT, "in-process Temporal test server + embedded Kafka + in-process "
                        + "worker (%d slots); no-work candidates (table trainer, 1 epoch, pacing 0); maxConcurrent = "
                        + "population; %d generations per size, %d searches per size (medians); continue-as-new above "
                        + "%d history events; CPU = this JVM (worker, Temporal server, Kafka broker)",
                config.inProcessSlots(), config.generations(), config.populationRepeats(), config.historyLimit()));
        out.put("points", points);
        out.put("linearFitWall", fit(xs, ys));
        out.put("linearFitCpu", fit(xs, cpus));
        return out;
    }

    /** Seconds per generation against population: fixed cost per generation, cost per candidate, r2. */
    private static Map<String, Object> fit(List<Double> xs, List<Double> ys) {
        double[] fit = Stats.linearFit(xs.stream().mapToDouble(Double::doubleValue).toArray(),
                ys.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, Object> lin = new LinkedHashMap<>();
        lin.put("secondsPerGenerationFixed", Stats.round(fit[0], 4));
        lin.put("msPerCandidate", Stats.round(fit[1] * 1000, 3));
        lin.put("r2", Stats.round(fit[2], 4));
        return lin;
    }

    private ObjectNode noWork(String name, int candidates, int population) {
        return SearchRun.spec(name, candidates, population, population, 1, 0, 1, "nasflow");
    }
}
