package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
                + "curve is written as soon as it is trained; run the same command again to continue an "
                + "interrupted recording (the curves already in the file are kept and only the missing "
                + "architectures train; a larger --archs adds architectures to a finished file). Replay it with "
                + "'nasflow bench stopping --curves FILE'."})
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

    @Option(names = "--overwrite",
            description = "Start FILE over even when it already holds curves (default: a file recorded with the "
                    + "same spec, seed, epochs and data is continued; one recorded with other settings is refused).")
    boolean overwrite;

    /** Header fields that must be equal for a file to be continued (not: command, time, machine, archs). */
    static final List<String> SAME_SETTINGS = List.of("format", "seed", "epochs", "space", "trainer", "recipe",
            "data", "fidelity");

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
        // as it reads back from the file (numbers compare by their JSON type)
        ObjectNode header = (ObjectNode) json.readTree(RecordedCurves.line(header(json, node)));
        int kept = 0;
        boolean continuing = false;
        if (!overwrite && Files.isRegularFile(out) && Files.size(out) > 0) {
            Continued c;
            try {
                c = continued(json, header, genomes, space);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
            if (c == null) {
                System.err.printf(Locale.ROOT, "record-curves: %s holds no curve yet (only a header of other "
                        + "settings): starting it over%n", out);
            } else if (c.curves().size() >= genomes.size()) {
                System.out.printf(Locale.ROOT, "nothing to train: %s already holds the %d curves x %d epochs of "
                        + "these settings (--overwrite starts it over)%n", out, c.curves().size(), epochs);
                return 0;
            } else {
                kept = c.curves().size();
                continuing = true;
                rewriteToContinue(json, c, header);
                System.err.printf(Locale.ROOT, "record-curves: continuing %s: %d of %d curves already recorded%s%n",
                        out, kept, genomes.size(), c.droppedPartialLine() ? " (a partly written last line dropped)"
                                : "");
            }
        }
        DjlCandidateTrainer trainer = new DjlCandidateTrainer();
        String searchId = "record-curves-" + seed;
        long t0 = System.nanoTime();
        try (BufferedWriter w = continuing
                ? Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
                : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            if (!continuing) {
                w.write(RecordedCurves.line(header));
                w.newLine();
                w.flush();
            }
            for (int i = kept; i < genomes.size(); i++) {
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
        System.out.printf(Locale.ROOT, "wrote %d curves x %d epochs to %s in %.0f s%s%n", genomes.size() - kept,
                epochs, out, (System.nanoTime() - t0) / 1e9, kept > 0 ? " (" + kept + " kept from before: "
                        + genomes.size() + " in all)" : "");
        return 0;
    }

    /**
     * Rewrites {@link #out} as {@code c}: its own header (this run's {@code --archs}, and this restart appended to
     * {@code resumed}) and its complete curves, written beside it and moved into place so that a crash here leaves
     * the old file, never half of one. Training then appends.
     */
    private void rewriteToContinue(ObjectMapper json, Continued c, ObjectNode now) throws IOException {
        ObjectNode restart = json.createObjectNode();
        restart.put("at", Instant.now().toString());
        restart.set("command", now.get("command"));
        restart.set("machine", now.get("machine"));
        restart.put("fromCurve", c.curves().size() + 1);
        ObjectNode h = c.header();
        h.put("archs", archs);
        (h.get("resumed") instanceof ArrayNode a ? a : h.putArray("resumed")).add(restart);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(RecordedCurves.line(h));
            w.newLine();
            for (String l : c.curves()) {
                w.write(l);
                w.newLine();
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** An existing file to continue: its header and its complete curve lines, in order. */
    record Continued(ObjectNode header, List<String> curves, boolean droppedPartialLine) {
    }

    /**
     * Reads {@link #out} to continue it: its header must have been written with the same settings
     * ({@link #SAME_SETTINGS}) and its curves must be the draw's first architectures, in order, each with all its
     * epochs. A last line cut short (the process was killed while writing it) is dropped; any other damage is refused.
     * Null when the file holds only a header of other settings (a run that failed before its first curve, e.g. on
     * missing data): nothing to keep, it starts over.
     */
    Continued continued(ObjectMapper json, ObjectNode now, List<Genome> genomes, SearchSpace space)
            throws IOException {
        String fix = "; fix: give another --out, or --overwrite to start " + out + " over";
        String text = Files.readString(out, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(text.lines().toList());
        boolean endsComplete = text.endsWith("\n");
        JsonNode h;
        try {
            h = json.readTree(lines.get(0));
        } catch (IOException e) {
            h = null;
        }
        if (!(h instanceof ObjectNode oh) || !"header".equals(h.path("kind").asText())
                || !RecordedCurves.FORMAT.equals(h.path("format").asText())) {
            throw new IllegalArgumentException("--out " + out + ": the file exists and is not a curves file (its "
                    + "first line is not a " + RecordedCurves.FORMAT + " header)" + fix);
        }
        List<String> diffs = new ArrayList<>();
        for (String f : SAME_SETTINGS) {
            JsonNode a = h.get(f);
            JsonNode b = now.get(f);
            if (!Objects.equals(a, b)) {
                diffs.add(a != null && b != null && a.isValueNode() && b.isValueNode()
                        ? f + " " + a + " there, " + b + " here"
                        : f + (a == null ? " absent there" : b == null ? " absent here" : " differs"));
            }
        }
        boolean holdsCurves = lines.stream().skip(1).anyMatch(l -> {
            try {
                return "curve".equals(json.readTree(l).path("kind").asText());
            } catch (IOException e) {
                return false;
            }
        });
        if (!diffs.isEmpty() && !holdsCurves) {
            return null; // a header alone (e.g. the data was missing): nothing to keep, start over
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("--out " + out + ": the file holds curves recorded with other "
                    + "settings (" + String.join("; ", diffs) + "); run the command that wrote it ("
                    + h.path("command").asText("?") + ") to continue it" + fix);
        }
        List<String> curves = new ArrayList<>();
        boolean dropped = false;
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.isEmpty()) {
                continue;
            }
            String at = "--out " + out + " line " + (i + 1);
            JsonNode n;
            try {
                n = json.readTree(l);
            } catch (IOException e) {
                if (i == lines.size() - 1 && !endsComplete) {
                    dropped = true; // killed while writing it: that architecture trains again
                    break;
                }
                throw new IllegalArgumentException(at + ": not JSON: the file is damaged" + fix);
            }
            int k = curves.size();
            if (!"curve".equals(n.path("kind").asText()) || n.path("epochs").size() != epochs) {
                throw new IllegalArgumentException(at + ": not a curve of " + epochs + " epochs" + fix);
            }
            if (k < genomes.size() && !space.hash(genomes.get(k)).equals(n.path("archHash").asText())) {
                throw new IllegalArgumentException(at + ": architecture " + n.path("arch").asText("?") + " is not "
                        + "architecture " + (k + 1) + " of the draw with seed " + seed + " ("
                        + space.canonical(genomes.get(k)) + "): the file was not written by this command" + fix);
            }
            curves.add(l);
        }
        return new Continued(oh, curves, dropped);
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
