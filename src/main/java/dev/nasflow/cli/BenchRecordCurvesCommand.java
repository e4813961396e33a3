package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.bench.RecordedCurves;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.train.DjlCandidateTrainer;
import dev.nasflow.model.CandidateTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code nasflow bench record-curves}: trains random architectures of a spec's space for real (DJL, the spec's recipe
 * and data) and writes their learning curves, one JSON line per architecture (format {@value RecordedCurves#FORMAT},
 * the command and the machine in the header line), for {@code nasflow bench stopping --curves}.
 */
@Command(name = "record-curves", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Records real learning curves: trains N distinct random architectures of the spec's space with "
                + "DJL for T epochs each (the spec's recipe and data, one seed for all) and writes per epoch train and "
                + "valid loss/accuracy and wall seconds, one JSON line per architecture (format nasflow-curves/1; the "
                + "header line holds the command, the machine, the seed, the recipe, the data and the space). Each "
                + "curve is written as soon as it is trained. Replay it with 'nasflow bench stopping --curves FILE'."})
public final class BenchRecordCurvesCommand implements Callable<Integer> {
    @Spec
    CommandSpec cmd;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The JSON-lines file to write.")
    Path out;

    @Option(names = "--spec", defaultValue = "workflows/quickstart-djl.json", paramLabel = "FILE",
            description = "Spec whose space, trainer recipe and data are used (default: ${DEFAULT-VALUE}: the chain "
                    + "space on the bundled Fashion-MNIST subset).")
    Path specFile;

    @Option(names = "--archs", defaultValue = "100", paramLabel = "N",
            description = "Distinct random architectures (default: ${DEFAULT-VALUE}).")
    int archs;

    @Option(names = "--epochs", defaultValue = "8", paramLabel = "T",
            description = "Epochs per architecture (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the architecture draw and of every training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-fraction", paramLabel = "F",
            description = "Load this fraction of the spec's data set (data.dataFraction: the validation split "
                    + "shrinks with it; fidelity.dataFraction in the spec trains on a share of the training split "
                    + "alone; 0 < F <= 1; default: the spec's).")
    Double dataFraction;

    @Override
    public Integer call() throws Exception {
        if (archs < 2) {
            return usage("--archs " + archs + ": must be >= 2 (a replay compares architectures)");
        }
        if (epochs < 2) {
            return usage("--epochs " + epochs + ": must be >= 2");
        }
        if (dataFraction != null && !(dataFraction > 0 && dataFraction <= 1)) {
            return usage("--data-fraction " + dataFraction + ": must be in (0, 1], e.g. 0.5");
        }
        Path file = specFile.isAbsolute() || Files.exists(specFile) ? specFile
                : QuickstartCommand.home().resolve(specFile);
        if (!Files.isRegularFile(file)) {
            return usage("--spec " + specFile + ": no such file (fix: give a search spec, e.g. "
                    + "workflows/quickstart-djl.json)");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode raw;
        try {
            raw = json.readTree(file.toFile());
        } catch (IOException e) {
            return usage("--spec " + specFile + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(raw instanceof ObjectNode node)) {
            return usage("--spec " + specFile + ": not a JSON object");
        }
        // the spec's other fidelity settings (e.g. fidelity.dataFraction: a share of the training split) are kept
        ObjectNode fidelity = node.get("fidelity") instanceof ObjectNode f ? f : node.putObject("fidelity");
        fidelity.put("epochs", epochs);
        node.remove("stopping");
        if (dataFraction != null && node.get("data") instanceof ObjectNode data) {
            data.put("dataFraction", dataFraction);
        }
        SpecValidation v = new SpecValidator().validate(json.writeValueAsString(node), specFile.toString());
        if (!v.ok()) {
            System.err.println(v.report());
            return 2;
        }
        SearchSpec spec = v.effective();
        if (!DjlCandidateTrainer.TYPE.equals(spec.trainer().type())) {
            return usage("--spec " + specFile + ": trainer.type is '" + spec.trainer().type() + "'; real curves need "
                    + "trainer.type 'djl' (e.g. workflows/quickstart-djl.json)");
        }
        SearchSpace space = Spaces.create(spec.space());
        Random rnd = new Random(seed);
        List<Genome> genomes = new ArrayList<>();
        Set<String> hashes = new HashSet<>();
        for (int tries = 0; genomes.size() < archs && tries < archs * 100; tries++) {
            Genome g = space.random(rnd);
            if (hashes.add(space.hash(g))) {
                genomes.add(g);
            }
        }
        if (genomes.size() < archs) {
            return usage("--archs " + archs + ": the space has only " + genomes.size() + " distinct architectures "
                    + "reachable; use --archs " + genomes.size() + " or fewer");
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Map<String, Object> header = header(json, node);
        DjlCandidateTrainer trainer = new DjlCandidateTrainer();
        String searchId = "record-curves-" + seed;
        long t0 = System.nanoTime();
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(RecordedCurves.line(header));
            w.newLine();
            w.flush();
            for (int i = 0; i < genomes.size(); i++) {
                Genome g = genomes.get(i);
                CandidateTask task = new CandidateTask(searchId, searchId + "-g0-c" + i, 0, i, g, space.canonical(g),
                        space.hash(g), epochs, seed, spec);
                List<Map<String, Object>> rows = new ArrayList<>();
                Map<String, Double> statics;
                try (TrainingSession s = trainer.open(task, null)) {
                    statics = s.staticMetrics();
                    for (int e = 1; e <= epochs; e++) {
                        EpochReport r = s.trainEpoch(StepListener.NONE);
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("epoch", r.epoch());
                        for (String m : List.of("trainLoss", "trainAccuracy", "validLoss", "validAccuracy")) {
                            double x = r.metric(m);
                            row.put(m, Double.isFinite(x) ? (Object) x : "NaN");
                        }
                        row.put("wallSeconds", r.wallMillis() / 1000.0);
                        rows.add(row);
                    }
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("kind", "curve");
                line.put("arch", space.canonical(g));
                line.put("archHash", space.hash(g));
                line.put("genome", g.choices());
                line.put("encoding", space.pathEncoding(g));
                line.put("seed", seed);
                if (statics.get("params") != null) {
                    line.put("params", statics.get("params").longValue());
                }
                line.put("epochs", rows);
                w.write(RecordedCurves.line(line));
                w.newLine();
                w.flush();
                Object last = rows.get(rows.size() - 1).get("validAccuracy");
                System.err.printf(Locale.ROOT, "record-curves: %d/%d %s: validAccuracy %s after %d epochs "
                                + "(%.0f s so far)%n", i + 1, genomes.size(), space.canonical(g), last, epochs,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "wrote %d curves x %d epochs to %s in %.0f s%n", genomes.size(), epochs, out,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private Map<String, Object> header(ObjectMapper json, ObjectNode spec) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kind", "header");
        h.put("format", RecordedCurves.FORMAT);
        h.put("command", "nasflow " + String.join(" ",
                cmd.commandLine().getParseResult().originalArgs()));
        h.put("createdAt", Instant.now().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("engine", "DJL PyTorch engine, CPU, FP32");
        h.put("machine", machine);
        h.put("seed", seed);
        h.put("archs", archs);
        h.put("epochs", epochs);
        h.put("space", spec.get("space"));
        h.put("trainer", spec.get("trainer"));
        JsonNode recipe = spec.path("trainer").path("recipe");
        if (recipe.isTextual()) {
            Path r = QuickstartCommand.home().resolve("activities").resolve(recipe.asText());
            if (Files.isRegularFile(r)) {
                h.put("recipe", json.readTree(r.toFile()));
            }
        }
        h.put("data", spec.get("data"));
        if (spec.path("fidelity").size() > 1) { // more than the epochs: e.g. the share of the training split used
            h.put("fidelity", spec.get("fidelity"));
        }
        return h;
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static int usage(String message) {
        System.err.println("nasflow bench record-curves: " + message);
        return 2;
    }
}
