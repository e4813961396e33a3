package dev.nasflow.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared progress bar: redrawn in place on a terminal, a line now and then (and the last state) otherwise. */
class ProgressBarTest {
    @Test
    void barFillsWithProgress() {
        assertEquals("[" + " ".repeat(30) + "]", ProgressBar.bar(0, 10));
        assertEquals("[" + "#".repeat(15) + " ".repeat(15) + "]", ProgressBar.bar(5, 10));
        assertEquals("[" + "#".repeat(30) + "]", ProgressBar.bar(12, 10));
        assertEquals("[" + " ".repeat(30) + "]", ProgressBar.bar(3, 0));
    }

    @Test
    void withoutATerminalItPrintsTheFirstStateAndTheLast() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), 4, "epochs", false);
        for (int i = 0; i <= 4; i++) {
            bar.show(i, "step " + i);
        }
        bar.finish();
        String out = b.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().count(), out);   // within 2 s: the first line, then the final state
        assertTrue(out.contains("0/4 epochs, step 0"), out);
        assertTrue(out.contains("4/4 epochs, step 4"), out);
    }

    @Test
    void onATerminalItRedrawsOneLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), 2, "runs", true);
        bar.show(1, "a longer text");
        bar.show(2, "");
        bar.finish();
        String out = b.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), out);   // one line, redrawn with \r
        assertTrue(out.endsWith("\n") && out.startsWith("\r") && out.contains("\r  [" + "#".repeat(30) + "] 2/2 runs"), out);
    }
}
