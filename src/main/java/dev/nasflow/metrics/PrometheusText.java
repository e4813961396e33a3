package dev.nasflow.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges Prometheus text-format (0.0.4) scrapes of several processes into one valid exposition: each metric family
 * appears once (its first {@code # HELP} / {@code # TYPE}), followed by the samples of every process, each sample
 * tagged with one more label naming its process (e.g. {@code worker_slot="1"}). A worker supervisor serves this on its
 * port so that Prometheus keeps one target per worker however many child processes train behind it.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** One process's scrape and the value of the distinguishing label for it. */
    public record Scrape(String labelValue, String text) {
    }

    private static final class Family {
        String help;
        String type;
        final List<String> samples = new ArrayList<>();
    }

    /**
     * The scrapes merged, every sample labelled {@code label="<scrape's labelValue>"}.
     *
     * @param label a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) none of the scrapes uses
     */
    public static String merge(String label, List<Scrape> scrapes) {
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            throw new IllegalArgumentException("not a Prometheus label name: " + label);
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (Scrape sc : scrapes) {
            String current = null;
            String escaped = escape(sc.labelValue());
            for (String line : sc.text().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length < 3) {
                        continue;
                    }
                    current = parts[2];
                    Family f = families.computeIfAbsent(current, k -> new Family());
                    if (line.startsWith("# HELP ") && f.help == null) {
                        f.help = line;
                    } else if (line.startsWith("# TYPE ") && f.type == null) {
                        f.type = line;
                    }
                    continue;
                }
                if (line.startsWith("#")) {
                    continue;
                }
                int end = nameEnd(line);
                String name = line.substring(0, end);
                // histogram/summary samples (_bucket, _sum, _count) belong to the family announced before them
                String family = current != null && name.startsWith(current) ? current : name;
                families.computeIfAbsent(family, k -> new Family()).samples.add(withLabel(line, end, label, escaped));
            }
        }
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.help != null) {
                out.append(f.help).append('\n');
            }
            if (f.type != null) {
                out.append(f.type).append('\n');
            }
            for (String s : f.samples) {
                out.append(s).append('\n');
            }
        }
        return out.toString();
    }

    private static int nameEnd(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '{' || c == ' ' || c == '\t') {
                return i;
            }
        }
        return line.length();
    }

    private static String withLabel(String line, int end, String label, String value) {
        String pair = label + "=\"" + value + "\"";
        if (end < line.length() && line.charAt(end) == '{') {
            boolean empty = end + 1 < line.length() && line.charAt(end + 1) == '}';
            return line.substring(0, end + 1) + pair + (empty ? "" : ",") + line.substring(end + 1);
        }
        return line.substring(0, end) + "{" + pair + "}" + line.substring(end);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
