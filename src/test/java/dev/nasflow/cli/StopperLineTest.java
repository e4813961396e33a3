package dev.nasflow.cli;

import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.api.SearchStatus;
import dev.nasflow.model.StopperInfo;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "stopper: live (...)" line and the warning when a search with an acting rule has no stopper. */
class StopperLineTest {
    static final SearchSpec MEDIAN = new SpecValidator().validate(Path.of("workflows/quickstart.json")).spec();

    static SearchStatus status(SearchSpec spec, long elapsedMs, StopperInfo stopper) {
        return new SearchStatus("s1", "RUNNING", 0, 3, 3, 0, 0, 0, 0, List.of(), null, 0, elapsedMs, 0, 10, spec,
                stopper);
    }

    @Test
    void liveStopperIsNamedWithItsRuleAndDecisions() {
        SearchStatus s = status(MEDIAN, 30_000, new StopperInfo("median", "stopper-1@h", 5, 3));
        assertEquals("stopper: live (rule median, 3 decisions)", StopperLine.describe(s));
        assertFalse(StopperLine.missing(s));
        String[] printed = print(s);
        assertEquals("stopper: live (rule median, 3 decisions)\n", printed[0]);
        assertEquals("", printed[1]);
    }

    @Test
    void noStopperWarnsLoudlyOnlyAfterTenSeconds() {
        SearchStatus early = status(MEDIAN, 9_000, null);
        assertFalse(StopperLine.missing(early));
        assertEquals("", print(early)[1]);
        SearchStatus late = status(MEDIAN, 10_000, null);
        assertTrue(StopperLine.missing(late));
        String[] printed = print(late);
        assertEquals("stopper: not attached (rule median)\n", printed[0]);
        assertTrue(printed[1].contains("WARNING: no early-stopping service has attached to search s1 (rule median)"),
                printed[1]);
        assertTrue(printed[1].contains("nasflow stopper"), printed[1]);

        StopperLine.Watch watch = new StopperLine.Watch(new PrintStream(new ByteArrayOutputStream()));
        watch.check(early);
        assertFalse(watch.warned());
        watch.check(late);
        assertTrue(watch.warned());
    }

    @Test
    void ruleNoneNeverWarns() {
        SearchSpec none = new SpecValidator().validate(
                "{\"name\":\"n\",\"space\":{\"type\":\"nb201\"},\"strategy\":{\"type\":\"random\"},"
                        + "\"budget\":{\"evaluations\":4},\"objectives\":[{\"metric\":\"validAccuracy\","
                        + "\"direction\":\"maximize\"}],\"trainer\":{\"type\":\"nb201\",\"dataset\":\"cifar10\"}}",
                "test").spec();
        SearchStatus s = status(none, 60_000, null);
        assertFalse(StopperLine.missing(s));
        assertEquals("stopper: none (rule none)", StopperLine.describe(s));
    }

    static String[] print(SearchStatus s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StopperLine.print(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), s);
        return new String[]{out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
