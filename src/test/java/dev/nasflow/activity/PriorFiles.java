package dev.nasflow.activity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results files and warm-started NB201 specs for the warm-start event tests (files under target/, as data). */
final class PriorFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DIR = Path.of("target", "warm-prior-events");

    private PriorFiles() {
    }

    /** One line of a results file: an architecture, its outcome and its validAccuracy. */
    record Line(Genome genome, String outcome, double validAccuracy) {
    }

    /** A validated NB201 spec warm-started from {@code files} (maximize validAccuracy, 12 epochs, CIFAR-10). */
    static SearchSpec spec(String name, String... files) {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", name);
        s.put("seed", 3);
        s.putObject("space").put("type", "nb201");
        s.putObject("strategy").put("type", "rea");
        s.putObject("budget").put("evaluations", 10);
        s.putArray("objectives").addObject().put("metric", "validAccuracy").put("direction", "maximize");
        s.putObject("fidelity").put("epochs", 12);
        s.putObject("trainer").put("type", "nb201");
        if (files.length > 0) {
            var a = s.putObject("warmStart").putArray("files");
            for (String f : files) {
                a.add(f);
            }
        }
        SpecValidation v = new SpecValidator().validate(s.toString(), "test");
        assertTrue(v.ok(), v::report);
        return v.effective();
    }

    /** The payload of {@code g}'s CANDIDATE_STARTED event, as the training activity publishes it (validAccuracy). */
    static java.util.Map<String, Object> startPayload(SearchSpace space, Genome g) {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("fromEpoch", 0);
        p.put("arch", space.canonical(g));
        p.put("archHash", space.hash(g));
        p.put("genome", g.choices());
        p.put("space", g.space());
        p.put("encoding", space.pathEncoding(g));
        p.put("primaryMetric", "validAccuracy");
        return p;
    }

    /** {@code n} distinct random architectures, each COMPLETED, with a value that depends on the architecture. */
    static List<Line> completed(SearchSpace space, int n, long seed) {
        Random rnd = new Random(seed);
        List<Line> out = new ArrayList<>();
        java.util.Set<Genome> seen = new java.util.HashSet<>();
        while (out.size() < n) {
            Genome g = space.random(rnd);
            if (seen.add(g)) {
                double sum = 0;
                for (double x : space.pathEncoding(g)) {
                    sum += x;
                }
                out.add(new Line(g, "COMPLETED", 60 + 2 * sum + rnd.nextDouble()));
            }
        }
        return out;
    }

    /**
     * Writes a results file of {@code spec}'s space with {@code lines}; {@code dataset}: the task's data set (another
     * than the spec's makes the results transferred). Returns the path as a spec names it.
     */
    static String write(String file, SearchSpec spec, String dataset, List<Line> lines) throws IOException {
        Files.createDirectories(DIR);
        SearchSpace space = Spaces.create(spec.space());
        ObjectNode h = JSON.createObjectNode();
        h.put("nasflowResults", ResultsFile.FORMAT);
        h.put("search", "src-" + file);
        h.set("space", JSON.valueToTree(spec.space()));
        h.put("spaceId", space.id());
        h.put("spaceSize", space.size().toString());
        ObjectNode task = ResultsFile.task(spec);
        task.put("dataset", dataset);
        h.set("task", task);
        h.put("results", lines.size());
        StringBuilder out = new StringBuilder(JSON.writeValueAsString(h)).append('\n');
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            ObjectNode o = JSON.createObjectNode();
            o.put("candidateId", "src-" + file + "-g0-c" + i);
            o.put("arch", space.canonical(l.genome()));
            o.put("epochs", 12);
            o.put("outcome", l.outcome());
            o.putObject("metrics").put("validAccuracy", l.validAccuracy());
            out.append(JSON.writeValueAsString(o)).append('\n');
        }
        Path p = DIR.resolve(file);
        Files.writeString(p, out);
        return p.toString();
    }
}
