package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.api.SearchResult;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.wiring.DevStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A search id used again once its run finished (Temporal allows it; `nasflow search start --id X` twice in a row): the
 * second run is a new search with the same candidate ids. The stopper and the surrogate service, which had marked the
 * id finished, watch and learn the new run afresh: it is attached, stops candidates, and its decisions cite
 * predictions of the new run's model rather than falling back for want of one.
 */
class SearchIdReuseTest {
    @TempDir
    Path dir;

    @Test
    void aFinishedSearchsIdStartedAgainIsWatchedAndPredictedAgain() throws Exception {
        String id = "again";
        ObjectNode spec = Stacks.surrogateSpec(id, 60, 20);
        try (DevStack stack = Stacks.surrogateStack(dir, 20)) {
            long before = 0;
            for (int run = 1; run <= 2; run++) {
                long startedAt = System.currentTimeMillis();
                Stacks.start(stack.client(), id, spec, null);
                SearchResult r = Stacks.result(stack.client(), id, Duration.ofSeconds(180));
                assertEquals(60, r.status().evaluations(), "run " + run);
                assertNotNull(r.status().stopper(), "run " + run + ": a stopper attached: " + r.status());
                assertTrue(r.status().stopper().decisions() > 0, "run " + run + ": " + r.status().stopper());
                assertTrue(r.status().stoppedEarly() > 0, "run " + run + ": stopped early " + r.status());
                List<Stacks.Rec<StopDecision>> decisions = Stacks.readAll(stack.kafka(), Topics.STOP_DECISIONS,
                        EventSerde.STOP_DECISION, d -> d.searchId().equals(id) && d.decidedAtMs() >= startedAt);
                long cited = decisions.stream().filter(d -> d.value().reason().startsWith("surrogate predicts "))
                        .count();
                System.out.printf("search id reuse: run %d: %d stopped early, %d decisions, %d citing a prediction%n",
                        run, r.status().stoppedEarly(), decisions.size(), cited);
                assertTrue(cited > 0, "run " + run + ": decisions cite the new run's predictions: " + decisions);
                before += decisions.size();
            }
            assertTrue(before > 0);
        }
    }
}
