package dev.nasflow.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quickstart's spec choice: DJL by default, the NB201 table with --table, never both. */
class QuickstartOptionsTest {
    @Test
    void djlAndTableExcludeEachOther() {
        SpecCommandTest.Run r = SpecCommandTest.run("quickstart", "--djl", "--table");
        assertEquals(2, r.exit());
    }

    @Test
    void helpNamesTheDefaultAndTheTableVariant() {
        SpecCommandTest.Run r = SpecCommandTest.run("quickstart", "--help");
        assertEquals(0, r.exit());
        String flat = r.out().replaceAll("\\s+", "");   // picocli wraps long descriptions
        assertTrue(flat.contains("quickstart-djl.json"), r.out());
        assertTrue(r.out().contains("--table"), r.out());
    }
}
