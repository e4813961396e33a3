package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.api.SearchResult;
import dev.nasflow.api.SearchWorkflow;
import dev.nasflow.service.PredictionFeed;
import dev.nasflow.service.StopperService;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.testing.Slow;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.nasflow.it.Stacks.readAll;
import static dev.nasflow.it.Stacks.result;
import static dev.nasflow.it.Stacks.start;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stopper restarted mid-search reads back, before it judges a live metric, the predictions the surrogate service
 * published for the search before the restart: the {@code pareto} rule with {@code estimate: surrogate} calibrates a
 * running candidate's prediction on the predictions its finished candidates had from the same epoch, so without them
 * it would judge by curve fits until enough candidates finished anew. Here both stoppers' prediction feeds read only
 * what is published after they start (in production a feed also reads the last ten minutes: a longer search's
 * earlier predictions are still missing then).
 */
@Slow
class StopperPredictionReadBackTest {
    @Test
    void aRestartedStopperReadsBackTheSearchesEarlierPredictions() throws Exception {
        Path dir = Stacks.tempDir("it-readback");
        try (DevStack stack = DevStack.builder(dir).workerSlots(8).trainers(List.of(new TableCandidateTrainer()))
                .stopper(false).start()) {
            String id = "it-readback-" + System.nanoTime();
            ObjectNode s = ParetoStoppingStackTest.twoObjectives(56, 8, 100);
            s.putObject("stopping").put("rule", "pareto").put("estimate", "surrogate").put("gracePeriod", 12)
                    .put("minTrials", 3);
            long restartAt;
            StopperService second;
            PredictionFeed feed1 = PredictionFeed.start(stack.kafka(), Duration.ZERO);
            assertTrue(feed1.awaitReady(Duration.ofSeconds(30)));
            try (feed1; StopperService first = new StopperService(stack.kafka(), stack.client(), null, null)
                    .predictionFeed(feed1, Duration.ofMillis(500)).start()) {
                assertTrue(first.awaitReady(Duration.ofSeconds(30)));
                SearchWorkflow w = start(stack.client(), id, s, null);
                // a restart once enough candidates finished with predictions to judge by them
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200))
                        .until(() -> w.status().evaluations() >= 28);
                assertTrue(first.decisions() > 0, "the first stopper decided nothing");
            }
            restartAt = System.currentTimeMillis();
            PredictionFeed feed2 = PredictionFeed.start(stack.kafka(), Duration.ZERO);
            assertTrue(feed2.awaitReady(Duration.ofSeconds(30)));
            try (feed2; StopperService again = new StopperService(stack.kafka(), stack.client(), null, null)
                    .predictionFeed(feed2, Duration.ofMillis(500)).start()) {
                second = again;
                SearchResult r = result(stack.client(), id, Duration.ofSeconds(240));
                assertEquals("COMPLETED", r.status().phase());
                assertTrue(again.consumer().replayed() > 0, "the live search re-read");
            }
            assertTrue(second.predictionsReadBack() > 0, "no prediction read back");
            List<StopDecision> after = readAll(stack.kafka(), Topics.STOP_DECISIONS, EventSerde.STOP_DECISION,
                    d -> d.searchId().equals(id) && d.decidedAtMs() >= restartAt).stream().map(Stacks.Rec::value)
                    .toList();
            assertFalse(after.isEmpty(), "no decision after the restart");
            for (StopDecision d : after) {
                assertFalse(d.reason().contains("finished candidates with a surrogate prediction from epoch"),
                        "judged without the finished candidates' earlier predictions: " + d.reason());
            }
            System.out.println("READ BACK: " + second.predictionsReadBack() + " predictions; " + after.size()
                    + " decisions after the restart, " + after.stream().filter(d -> d.reason().contains("): predicted "))
                    .count() + " by a prediction");
        } finally {
            Stacks.deleteTree(dir);
        }
    }
}
