package dev.nasflow.activity;

import dev.nasflow.spec.Defaults;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results file of a search ({@code nasflow search export-results ID}), read back by a warm start
 * ({@code warmStart.files}). JSON lines, UTF-8: a header line, then one line per result, best first.
 *
 * <pre>
 * {"nasflowResults":1,"search":"ID","space":{...},"spaceId":"nb201","spaceSize":"15625","task":{...},
 *  "objectives":[...],"results":N}
 * {"candidateId":"ID-g0-c3","arch":"|...|","choices":[3,1,...],"epochs":12,"epochsRequested":12,
 *  "outcome":"COMPLETED","metrics":{"validAccuracy":84.1,...}}
 * </pre>
 *
 * {@code space} is the search's space section, {@code spaceId} its canonical id ({@code SearchSpace#id}: type and
 * every parameter), {@code task} what the results were measured on ({@link #task}). A warm start accepts the file only
 * for a search of the same space id; results of another task are used for ranking only.
 */
public final class ResultsFile {
    public static final int FORMAT = 1;
    /** Largest file read (a 20,000-result search exports about 6 MB). */
    public static final long MAX_BYTES = 64L << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private ResultsFile() {
    }

    /** What a file holds: the header's facts and the results, in file order. */
    public record Contents(String search, String spaceId, JsonNode task, List<CandidateResult> results) {
    }

    /**
     * The task a spec measures results on: trainer type, its data set (nb201: {@code trainer.dataset}; djl:
     * {@code data}) and the fidelity that changes what a result means (full epochs, data fraction, width, resolution).
     * Two results are comparable when their tasks are equal.
     */
    public static ObjectNode task(SearchSpec spec) {
        SearchSpec s = Defaults.apply(spec);
        ObjectNode t = JSON.createObjectNode();
        t.put("trainer", s.trainer().type());
        if ("nb201".equals(s.trainer().type())) {
            t.put("dataset", s.trainer().dataset());
        } else if (s.data() != null) {
            t.put("dataFormat", s.data().format());
            t.put("dataPath", s.data().path());
            putNumber(t, "validationFraction", s.data().validationFraction());
            putNumber(t, "dataLoaded", s.data().dataFraction());
        }
        if (s.fidelity() != null) {
            if (s.fidelity().epochs() != null) {
                t.put("epochs", s.fidelity().epochs());
            }
            putNumber(t, "dataFraction", s.fidelity().dataFraction());
            putNumber(t, "widthMultiplier", s.fidelity().widthMultiplier());
            if (s.fidelity().resolution() != null) {
                t.put("resolution", s.fidelity().resolution());
            }
        }
        return t;
    }

    private static void putNumber(ObjectNode t, String k, Double v) {
        if (v != null) {
            t.put(k, v);
        }
    }

    /** Writes the results of {@code result} (its leaderboard: every result, best first). */
    public static int write(SearchResult result, Writer out) throws IOException {
        SearchSpec spec = result.status().spec();
        if (spec == null) {
            throw new IllegalArgumentException("the search has no spec yet (it has not started); export it later");
        }
        SearchSpace space = Spaces.create(spec.space());
        ObjectNode h = JSON.createObjectNode();
        h.put("nasflowResults", FORMAT);
        h.put("search", result.status().searchId());
        h.set("space", JSON.valueToTree(spec.space()));
        h.put("spaceId", space.id());
        h.put("spaceSize", space.size().toString());
        h.set("task", task(spec));
        h.set("objectives", JSON.valueToTree(spec.objectives()));
        h.put("results", result.leaderboard().size());
        out.write(JSON.writeValueAsString(h));
        out.write('\n');
        for (CandidateResult r : result.leaderboard()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("candidateId", r.candidateId());
            o.put("arch", r.arch());
            var c = o.putArray("choices");
            for (int v : r.genome().choices()) {
                c.add(v);
            }
            o.put("epochs", r.epochsTrained());
            o.put("epochsRequested", r.epochsRequested());
            o.put("outcome", r.outcome().name());
            o.set("metrics", JSON.valueToTree(new java.util.TreeMap<>(r.metrics())));
            out.write(JSON.writeValueAsString(o));
            out.write('\n');
        }
        return result.leaderboard().size();
    }

    /**
     * Reads a results file for a search of {@code space}. Every problem is an {@link IllegalArgumentException} whose
     * message names the line and the fix (the caller prefixes the field).
     */
    public static Contents read(Path file, SearchSpace space) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("file " + file + " does not exist (fix: export one with 'nasflow "
                    + "search export-results ID --out " + file + "', or correct the path)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file (fix: name a results file written by 'nasflow "
                    + "search export-results')");
        }
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + (MAX_BYTES >> 20) + " MB (fix: "
                        + "export a smaller search, or cut the file to its best results)");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage()
                    + " (fix: check the file and its permissions)");
        }
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new IllegalArgumentException(file + " is empty (fix: export the results again with 'nasflow search "
                    + "export-results ID --out " + file + "')");
        }
        JsonNode h = parse(file, first + 1, lines.get(first));
        if (h.path("nasflowResults").asInt(-1) != FORMAT) {
            throw new IllegalArgumentException(file + " line " + (first + 1) + ": not a nasflow results file (its "
                    + "first line has no \"nasflowResults\": " + FORMAT + ") (fix: write it with 'nasflow search "
                    + "export-results ID --out FILE')");
        }
        String spaceId = h.path("spaceId").asText("");
        if (spaceId.isEmpty()) {
            throw new IllegalArgumentException(file + " line " + (first + 1) + ": the header has no \"spaceId\" (the "
                    + "space the results belong to) (fix: export the results again with 'nasflow search export-results "
                    + "ID --out FILE')");
        }
        if (!space.id().equals(spaceId)) {
            throw new IllegalArgumentException(file + ": results of space '" + spaceId + "', but this search's space is '"
                    + space.id() + "' (fix: warm-start only from results of the same space, or change this search's "
                    + "space to match)");
        }
        if (!space.size().toString().equals(h.path("spaceSize").asText(""))) {
            throw new IllegalArgumentException(file + ": space size " + h.path("spaceSize").asText("?") + " differs "
                    + "from this search's " + space.size() + " for the same space id (fix: export the results again "
                    + "with this nasflow version)");
        }
        List<CandidateResult> out = new ArrayList<>();
        String search = h.path("search").asText("");
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            out.add(result(file, i + 1, parse(file, i + 1, line), space, search, out.size()));
        }
        if (h.has("results") && h.path("results").asInt(-1) != out.size()) {
            throw new IllegalArgumentException(file + ": the header announces " + h.path("results").asInt()
                    + " results, the file holds " + out.size() + " (fix: the file is truncated or was edited; export it "
                    + "again)");
        }
        return new Contents(search, spaceId, h.path("task"), out);
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + " line " + line + ": not a JSON object (fix: one JSON object "
                        + "per line, as 'nasflow search export-results' writes)");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " line " + line + ": invalid JSON (" + e.getOriginalMessage()
                    + ") (fix: one JSON object per line, as 'nasflow search export-results' writes)");
        }
    }

    private static CandidateResult result(Path file, int line, JsonNode o, SearchSpace space, String search,
                                          int index) {
        String at = file + " line " + line + ": ";
        String arch = o.path("arch").asText("");
        Genome g;
        try {
            g = space.parse(arch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "arch '" + arch + "' is not an architecture of space '"
                    + space.id() + "': " + e.getMessage() + " (fix: the file belongs to another space, or was edited)");
        }
        if (o.has("choices")) {
            int[] c = new int[o.path("choices").size()];
            for (int k = 0; k < c.length; k++) {
                c[k] = o.path("choices").get(k).asInt();
            }
            if (!Arrays.equals(c, g.choices())) {
                throw new IllegalArgumentException(at + "choices " + Arrays.toString(c) + " do not match arch '" + arch
                        + "' (fix: the file was edited; export it again)");
            }
        }
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(o.path("outcome").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + "unknown outcome '" + o.path("outcome").asText("") + "' (fix: one of "
                    + Arrays.toString(Outcome.values()) + ")");
        }
        int epochs = o.path("epochs").asInt(-1);
        if (epochs < 0) {
            throw new IllegalArgumentException(at + "epochs must be a number >= 0 (fix: export the file again)");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException(at + "metric '" + e.getKey() + "' is not a number (fix: export the "
                        + "file again)");
            }
            metrics.put(e.getKey(), e.getValue().doubleValue());
        }
        return new CandidateResult(o.path("candidateId").asText(search + "-r" + index), 0, index, g, arch,
                space.hash(g), o.path("epochsRequested").asInt(epochs), epochs, outcome, metrics, "", 0, 0, 0, 0);
    }
}
