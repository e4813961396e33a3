package dev.nasflow.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Plain-text rendering of the benchmark subcommands' reports (nested maps and lists, indented). */
final class BenchReports {
    private BenchReports() {
    }

    /** Prints {@code report} as one JSON object ({@code --json}) or as indented text; the command's exit code (0). */
    static int emit(boolean json, Map<String, ?> report) throws java.io.IOException {
        if (json) {
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(report));
        } else {
            print(System.out, report);
        }
        System.out.flush();
        return 0;
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
