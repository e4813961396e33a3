package dev.nasflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the nasflow CLI in-process and captures everything it prints: picocli's writers and System.out/err. */
record CliRun(int exit, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream sysOut = System.out;
        PrintStream sysErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        StringWriter clOut = new StringWriter();
        StringWriter clErr = new StringWriter();
        int exit;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(clOut, true));
            cl.setErr(new PrintWriter(clErr, true));
            exit = cl.execute(args);
        } finally {
            System.setOut(sysOut);
            System.setErr(sysErr);
        }
        CliRun r = new CliRun(exit, o.toString(StandardCharsets.UTF_8) + clOut,
                e.toString(StandardCharsets.UTF_8) + clErr);
        sysOut.println("$ nasflow " + String.join(" ", args) + "  -> exit " + exit + "\n" + r.out() + r.err());
        return r;
    }

    /**
     * True when the command's output holds no Java stack trace (no "\tat " frame, no exception header line). In-process,
     * the library loggers of the stack's background threads (worker, server) write to the same System.err: their
     * records (an slf4j-simple line and the exception lines that follow it) are not the command's and are left out;
     * {@link QuickstartEndToEndTest} checks in a JVM of its own that no library line reaches the terminal.
     */
    boolean noStackTrace() {
        String all = withoutLibraryLogs(out + err);
        return !all.contains("\tat ") && !all.matches("(?s)(.*\\n)?[\\w.$]+(Exception|Error)(: .*|\\n.*|)");
    }

    /** stderr without the records of background library loggers (see {@link #noStackTrace()}). */
    String ownErr() {
        return withoutLibraryLogs(err).strip();
    }

    static String withoutLibraryLogs(String text) {
        StringBuilder kept = new StringBuilder();
        boolean inRecord = false;
        for (String line : text.split("\n", -1)) {
            if (line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[.*")) {
                inRecord = true;
                continue;
            }
            if (inRecord && (line.startsWith("\t") || line.startsWith("Caused by: ")
                    || line.matches("[\\w.$]+(Exception|Error)(: .*)?"))) {
                continue;
            }
            inRecord = false;
            kept.append(line).append('\n');
        }
        return kept.toString();
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
