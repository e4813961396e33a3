package dev.nasflow.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one-line progress bar of the long commands (quickstart, search start --wait, supernet start, retrain, bench):
 * redrawn in place on a terminal, a line every few seconds (when it changed) otherwise, so logs and CI output stay
 * short. {@code [#####     ] 5/10 epochs, text}.
 */
final class ProgressBar {
    static final int WIDTH = 30;

    private final PrintStream err;
    private final int total;
    private final String unit;
    private final boolean tty;
    private long lastLine;
    private String last = "";
    private String printed = "";

    ProgressBar(PrintStream err, int total, String unit) {
        this(err, total, unit, System.console() != null);
    }

    ProgressBar(PrintStream err, int total, String unit, boolean tty) {
        this.err = err;
        this.total = total;
        this.unit = unit;
        this.tty = tty;
    }

    /** The bar for {@code done} of {@code total} (empty when the total is unknown). */
    static String bar(int done, int total) {
        int filled = total > 0 ? Math.max(0, Math.min(WIDTH, done * WIDTH / total)) : 0;
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
    }

    /** Shows {@code done} of the total with {@code text} after it. */
    void show(int done, String text) {
        String line = String.format(Locale.ROOT, "  %s %d/%s %s%s", bar(done, total), done,
                total > 0 ? Integer.toString(total) : "?", unit, text == null || text.isEmpty() ? "" : ", " + text);
        showLine(line);
    }

    /** Shows a whole line the caller built (its bar from {@link #bar}). */
    void showLine(String line) {
        if (tty) {
            err.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
            err.flush();
        } else if (!line.equals(printed) && System.currentTimeMillis() - lastLine > 2000) {
            err.println(line);
            printed = line;
            lastLine = System.currentTimeMillis();
        }
        last = line;
    }

    /** Wipes the bar on a terminal so that a line can be printed; it comes back at the next {@link #show}. */
    void clear() {
        if (tty && !last.isEmpty()) {
            err.print("\r" + " ".repeat(last.length()) + "\r");
            err.flush();
        }
    }

    /** Ends the bar: a newline on a terminal, the last state otherwise (unless it was just printed). */
    void finish() {
        if (tty) {
            err.println();
        } else if (!last.equals(printed) && !last.isEmpty()) {
            err.println(last);
            printed = last;
        }
    }
}
