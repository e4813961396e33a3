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

    /** True when the output holds no Java stack trace (no "\tat " frame, no "Exception:" header line). */
    boolean noStackTrace() {
        String all = out + err;
        return !all.contains("\tat ") && !all.matches("(?s).*\\n[\\w.$]+(Exception|Error)(: |\\n).*")
                && !all.startsWith("Exception");
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
