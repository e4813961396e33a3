package dev.nasflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.DataSpec;
import dev.nasflow.model.FidelitySpec;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.train.DjlCandidateTrainer;
import dev.nasflow.model.CandidateTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code nasflow bench memory}: trains N tiny candidates one after the other in this JVM through the djl trainer (open,
 * static metrics with latency, one epoch, checkpoint, close) and reports the process's resident memory after each,
 * so a leak of native arrays shows as growth after the warm-up.
 */
@Command(name = "memory", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Resident memory (RSS) across N consecutive candidates trained by the djl trainer in one JVM "
                + "(default spec workflows/quickstart-djl.json at a small data fraction, 1 epoch each); prints RSS "
                + "after the warm-up, at the end, and the growth."})
public final class BenchMemoryCommand implements Callable<Integer> {
    @Option(names = "--candidates", defaultValue = "100", description = "Candidates (default ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--warmup", defaultValue = "20", description = "Candidates before the baseline (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--spec", paramLabel = "FILE", description = "Search spec with a djl trainer "
            + "(default workflows/quickstart-djl.json).")
    Path specFile;

    @Option(names = "--data-fraction", defaultValue = "0.05",
            description = "data.dataFraction for the run (default ${DEFAULT-VALUE}).")
    double dataFraction;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path home = QuickstartCommand.home();
        Path file = specFile != null ? specFile : home.resolve("workflows/quickstart-djl.json");
        SearchSpec s = ValidSpec.orReport(file);
        if (s == null) {
            return 1;
        }
        if (!s.trainer().isDjl()) {
            System.err.println("nasflow bench memory: " + file + " does not use the djl trainer");
            return 1;
        }
        String artifacts = "work/bench-memory";
        DataSpec d = s.data();
        FidelitySpec f = s.fidelity();
        SearchSpec spec = new SearchSpec(s.name(), s.seed(), s.space(), s.strategy(), s.budget(), s.objectives(),
                List.of(), new FidelitySpec(1, 1, f.dataFraction(), f.widthMultiplier(), f.resolution()),
                s.stopping(), s.trainer(), new DataSpec(d.format(), d.path(), d.validationFraction(), dataFraction),
                s.taskQueue(), artifacts);
        SearchSpace space = Spaces.create(spec.space());
        DjlCandidateTrainer trainer = new DjlCandidateTrainer();
        Random rng = new Random(spec.seed());
        List<Long> rss = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < candidates; i++) {
            Genome g = space.random(rng);
            CandidateTask task = new CandidateTask("bench-memory", "c" + i, 0, i, g, space.canonical(g),
                    space.hash(g), 1, i, spec);
            try (TrainingSession session = trainer.open(task, null)) {
                session.staticMetrics();
                session.trainEpoch(StepListener.NONE);
                session.checkpoint();
            }
            System.gc();
            rss.add(rssKb());
            if (!json && (i + 1) % 10 == 0) {
                System.err.printf(Locale.ROOT, "  %d candidates, RSS %.1f MB%n", i + 1, rss.get(i) / 1024.0);
            }
        }
        deleteTree(home.resolve(artifacts).resolve("bench-memory"));
        int base = Math.min(warmup, candidates) - 1;
        double baseMb = rss.get(Math.max(0, base)) / 1024.0;
        double endMb = rss.get(rss.size() - 1) / 1024.0;
        double maxMb = rss.stream().mapToLong(Long::longValue).max().orElse(0) / 1024.0;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "memory");
        out.put("spec", file.toString());
        out.put("candidates", candidates);
        out.put("warmup", warmup);
        out.put("dataFraction", dataFraction);
        out.put("rssAfterWarmupMb", round(baseMb));
        out.put("rssEndMb", round(endMb));
        out.put("rssMaxMb", round(maxMb));
        out.put("growthMb", round(endMb - baseMb));
        out.put("seconds", round((System.nanoTime() - t0) / 1e9));
        out.put("rssMbPerCandidate", rss.stream().map(k -> round(k / 1024.0)).toList());
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } else {
            System.out.printf(Locale.ROOT, "RSS after %d candidates %.1f MB, after %d %.1f MB (max %.1f): growth "
                    + "%.1f MB%n", warmup, baseMb, candidates, endMb, maxMb, endMb - baseMb);
        }
        return 0;
    }

    private static double round(double x) {
        return Math.round(x * 10) / 10.0;
    }

    /** Resident set size of this process in kB (Linux /proc; 0 elsewhere). */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
