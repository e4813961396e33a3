package dev.nasflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A file of recorded learning curves ({@code nasflow bench record-curves} writes it, {@code nasflow bench stopping
 * --curves} replays it), JSON lines:
 * <pre>
 * {"kind": "header", "format": "nasflow-curves/1", "command": ..., "machine": {...}, "space": {...},
 *  "recipe": {...}, "data": {...}, "seed": S, "epochs": T, ...}
 * {"kind": "curve", "arch": ..., "archHash": ..., "encoding": [...], "seed": S, "params": N,
 *  "epochs": [{"epoch": 1, "trainLoss": ..., "trainAccuracy": ..., "validLoss": ..., "validAccuracy": ...,
 *              "wallSeconds": ...}, ...]}
 * ...
 * </pre>
 * Accuracies are in percent. Any file of this format replays, whoever wrote it.
 */
public final class RecordedCurves {
    public static final String FORMAT = "nasflow-curves/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One architecture's curve: per epoch, metric name to value; {@code params} is the architecture's parameter count
     * from the cost model (NaN when the line has none).
     */
    public record Curve(String arch, String archHash, double[] encoding, List<Map<String, Double>> epochs,
                        double params) {
        public Curve(String arch, String archHash, double[] encoding, List<Map<String, Double>> epochs) {
            this(arch, archHash, encoding, epochs, Double.NaN);
        }

        /** The values of {@code metric} at epochs 1..n (NaN where missing). */
        public double[] values(String metric, int n) {
            double[] v = new double[n];
            for (int e = 0; e < n; e++) {
                Double x = e < epochs.size() ? epochs.get(e).get(metric) : null;
                v[e] = x == null ? Double.NaN : x;
            }
            return v;
        }
    }

    private final ObjectNode header;
    private final List<Curve> curves;

    private RecordedCurves(ObjectNode header, List<Curve> curves) {
        this.header = header;
        this.curves = List.copyOf(curves);
    }

    public ObjectNode header() {
        return header;
    }

    public List<Curve> curves() {
        return curves;
    }

    /** The fewest epochs any curve has. */
    public int minEpochs() {
        return curves.stream().mapToInt(c -> c.epochs().size()).min().orElse(0);
    }

    /**
     * Reads a file; every problem is an {@link IllegalArgumentException} naming the file, the line and the field,
     * and what a valid file holds.
     */
    public static RecordedCurves read(Path file) {
        return read(file, "--curves");
    }

    /** {@link #read(Path)}, its errors naming {@code flag} (e.g. {@code --priors}) as the option that gave the file. */
    public static RecordedCurves read(Path file, String flag) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(flag + " " + file + ": no such file (record one with 'nasflow bench "
                    + "record-curves --out FILE', or give a file of format " + FORMAT + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot be read: " + e.getMessage());
        }
        ObjectNode header = null;
        List<Curve> curves = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String at = flag + " " + file + " line " + (i + 1);
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(at + ": not JSON (each line is one JSON object of format "
                        + FORMAT + ")");
            }
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(at + ": not a JSON object");
            }
            String kind = n.path("kind").asText("");
            if (kind.equals("header")) {
                if (!FORMAT.equals(n.path("format").asText())) {
                    throw new IllegalArgumentException(at + ": format must be \"" + FORMAT + "\", got "
                            + n.get("format"));
                }
                header = (ObjectNode) n;
                continue;
            }
            if (!kind.equals("curve")) {
                throw new IllegalArgumentException(at + ": kind must be \"header\" or \"curve\", got "
                        + n.get("kind"));
            }
            String arch = text(n, "arch", at);
            String hash = n.hasNonNull("archHash") ? n.get("archHash").asText() : arch;
            double[] enc = new double[0];
            if (n.has("encoding")) {
                if (!n.get("encoding").isArray()) {
                    throw new IllegalArgumentException(at + ": encoding must be an array of numbers");
                }
                enc = new double[n.get("encoding").size()];
                for (int k = 0; k < enc.length; k++) {
                    enc[k] = n.get("encoding").get(k).asDouble();
                }
            }
            JsonNode eps = n.get("epochs");
            if (eps == null || !eps.isArray() || eps.isEmpty()) {
                throw new IllegalArgumentException(at + ": epochs must be a non-empty array of {\"epoch\": 1, "
                        + "\"validAccuracy\": ..., ...}");
            }
            List<Map<String, Double>> list = new ArrayList<>();
            for (int k = 0; k < eps.size(); k++) {
                JsonNode ep = eps.get(k);
                if (!ep.isObject() || ep.path("epoch").asInt(-1) != k + 1) {
                    throw new IllegalArgumentException(at + ": epochs[" + k + "].epoch must be " + (k + 1)
                            + " (epochs in order from 1)");
                }
                Map<String, Double> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = ep.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (f.getKey().equals("epoch")) {
                        continue;
                    }
                    JsonNode v = f.getValue();
                    m.put(f.getKey(), v.isNumber() ? v.asDouble() : Double.NaN); // "NaN" and others: no value
                }
                list.add(m);
            }
            double params = Double.NaN;
            if (n.has("params")) {
                if (!n.get("params").isNumber() || !(n.get("params").asDouble() >= 0)) {
                    throw new IllegalArgumentException(at + ": params must be a non-negative number (the "
                            + "architecture's parameter count), got " + n.get("params"));
                }
                params = n.get("params").asDouble();
            }
            curves.add(new Curve(arch, hash, enc, list, params));
        }
        if (header == null) {
            throw new IllegalArgumentException(flag + " " + file + ": no header line ({\"kind\": \"header\", "
                    + "\"format\": \"" + FORMAT + "\", ...})");
        }
        if (curves.size() < 2) {
            throw new IllegalArgumentException(flag + " " + file + ": needs at least 2 curves, has " + curves.size());
        }
        return new RecordedCurves(header, curves);
    }

    private static String text(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + ": " + field + " must be a non-empty string");
        }
        return v.asText();
    }

    /** One JSON line. */
    public static String line(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
