package dev.nasflow.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Plain-text rendering of the benchmark subcommands' reports (nested maps and lists, indented). */
final class BenchReports {
    private BenchReports() {
    }

    static void print(PrintStream out, Map<String, ?> report) {
        print(out, report, "");
    }

    private static void print(PrintStream out, Map<String, ?> m, String indent) {
        for (Map.Entry<String, ?> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                out.println(indent + e.getKey() + ":");
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) sub;
                print(out, typed, indent + "  ");
            } else if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                out.println(indent + e.getKey() + ":");
                for (Object item : list) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> typed = (Map<String, ?>) item;
                    out.println(indent + "  - " + typed);
                }
            } else {
                out.println(indent + e.getKey() + ": " + v);
            }
        }
    }
}
