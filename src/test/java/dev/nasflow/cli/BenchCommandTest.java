package dev.nasflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.bench.TestStrategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = new CommandLine(new BenchCommand(TestStrategies.FACTORY));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void jsonIsExactlyOneObjectOfTheDocumentedShape() throws Exception {
        Result r = run("--strategy", "random", "--runs", "5", "--seed", "3", "--json");
        assertEquals(0, r.code(), r.err());
        String text = r.out().trim();
        assertFalse(text.contains("\n"), "one line, nothing else on stdout");
        ObjectMapper om = new ObjectMapper();
        JsonNode root = om.readTree(text);
        assertTrue(root.isObject());
        assertEquals("random", root.get("strategy").asText());
        assertTrue(root.get("mean").isDouble());
        assertTrue(root.get("std").isDouble());
        assertTrue(root.get("wallSeconds").isNumber());
        JsonNode runs = root.get("runs");
        assertEquals(5, runs.size());
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            JsonNode run = runs.get(i);
            List<String> fields = List.copyOf(iter(run.fieldNames()));
            assertEquals(List.of("seed", "arch", "valid200", "evaluations", "simSeconds"), fields);
            assertTrue(run.get("seed").isIntegralNumber());
            assertEquals(3 + i, run.get("seed").asInt());
            int idx = Nb201Table.index(run.get("arch").asText());
            assertEquals(Nb201Table.cifar10().valid200(idx), run.get("valid200").asDouble());
            assertTrue(run.get("evaluations").isInt());
            assertTrue(run.get("simSeconds").asDouble() >= 12_000);
            sum += run.get("valid200").asDouble();
        }
        assertEquals(sum / 5, root.get("mean").asDouble(), 1e-9);

        Result again = run("--strategy", "random", "--runs", "5", "--seed", "3", "--json", "--threads", "1");
        assertEquals(om.readTree(text).get("runs"), om.readTree(again.out()).get("runs"), "deterministic");
    }

    private static List<String> iter(Iterator<String> it) {
        java.util.ArrayList<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void humanOutputHasARowPerRunAndASummary() {
        Result r = run("--strategy", "random", "--runs", "3", "--seed", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("seed  valid200  evals  simSeconds  arch"), r.out());
        for (int s = 10; s <= 12; s++) {
            assertTrue(r.out().matches("(?s).*\\n\\s+" + s + "\\s+\\d+\\.\\d\\d\\s+\\d+\\s+\\d+\\.\\d\\s+\\|.*"), r.out());
        }
        assertTrue(r.out().contains("valid200 mean "), r.out());
        assertTrue(r.out().contains("wall "), r.out());
    }

    @Test
    void badInputGivesAClearMessage() throws Exception {
        Result missing = run("--strategy", "random", "--runs", "1", "--table-200", dir.resolve("x.csv").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("table file not found") && missing.err().contains("--table-200"),
                missing.err());

        Path t200 = dir.resolve("t.csv");
        Files.writeString(t200, "arch,valid-accuracy\n");
        Result col = run("--runs", "1", "--table-200", t200.toString());
        assertEquals(2, col.code());
        assertTrue(col.err().contains("no column 'arch_str'") && col.err().contains("--col-arch-200"), col.err());

        Result ds = run("--runs", "1", "--dataset", "mnist");
        assertEquals(2, ds.code());
        assertTrue(ds.err().contains("unknown dataset 'mnist'"), ds.err());

        Result strat = run("--strategy", "nope", "--runs", "1");
        assertEquals(2, strat.code());
        assertTrue(strat.err().contains("unknown test strategy nope"), strat.err());

        Result runs = run("--runs", "0");
        assertEquals(2, runs.code());
        assertTrue(runs.err().contains("runs"), runs.err());
    }

    @Test
    void paramsAreTyped() {
        Map<String, Object> p = BenchCommand.parseParams(Map.of("a", "3", "b", "0.5", "c", "true", "d", "tpe",
                "e", "1e-3", "f", "10000000000"));
        assertEquals(3, p.get("a"));
        assertEquals(0.5, p.get("b"));
        assertEquals(true, p.get("c"));
        assertEquals("tpe", p.get("d"));
        assertEquals(1e-3, p.get("e"));
        assertEquals(10_000_000_000L, p.get("f"));
    }

    @Test
    void productionPathUsesTheStrategyRegistry() throws Exception {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("bench", "--strategy", "rea", "--runs", "3", "--seed", "5", "--json",
                "--param", "population=20", "--param", "sampleSize=5");
        assertEquals(0, code, err.toString());
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertEquals("rea", root.get("strategy").asText());
        assertEquals(3, root.get("runs").size());
        assertEquals(20, root.get("params").get("population").asInt());

        StringWriter err2 = new StringWriter();
        cl.setErr(new PrintWriter(err2));
        assertEquals(2, cl.execute("bench", "--strategy", "nope", "--runs", "1"));
        assertTrue(err2.toString().contains("unknown strategy 'nope'"), err2.toString());
        assertEquals(2, cl.execute("bench", "--strategy", "rea", "--runs", "1", "--param", "populaton=3"));
        assertTrue(err2.toString().contains("strategy.params.populaton"), err2.toString());
    }

    @Test
    void registeredInMain() {
        CommandLine main = Main.commandLine();
        assertTrue(main.getSubcommands().containsKey("bench"));
    }
}
