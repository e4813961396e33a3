package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.train.TableCandidateTrainer;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.SearchEvent;
import dev.nasflow.model.SearchEventType;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.Topics;
import dev.nasflow.model.Outcome;
import dev.nasflow.testing.Slow;
import dev.nasflow.model.CandidateResult;
import dev.nasflow.api.SearchResult;
import io.temporal.client.WorkflowClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.nasflow.it.Stacks.readAll;
import static dev.nasflow.it.Stacks.result;
import static dev.nasflow.it.Stacks.spec;
import static dev.nasflow.it.Stacks.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A two-objective search (validation accuracy against params, NB201 table trainer) through the whole in-process stack
 * ({@link DevStack}: workflow, worker, embedded Kafka, the live stopper) with the multi-objective {@code pareto}
 * stopping rule: the stopper learns each candidate's params from its start event, and stops, while it trains, a
 * candidate that a finished one dominates; the decision names that front point and the margin.
 */
@Slow
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParetoStoppingStackTest {
    static final Pattern FRONT = Pattern.compile("dominated by front point (\\S+) \\(validAccuracy ([0-9.]+), "
            + "params ([0-9.]+)\\) with margin 0\\.01: ");

    Path dir;
    DevStack stack;
    WorkflowClient client;

    @BeforeAll
    void startStack() throws InterruptedException {
        dir = Stacks.tempDir("it-pareto");
        stack = DevStack.builder(dir).workerSlots(8).trainers(List.of(new TableCandidateTrainer())).start();
        client = stack.client();
        assertTrue(stack.stopper().awaitReady(Duration.ofSeconds(30)), "stopper got no partitions");
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
        Stacks.deleteTree(dir);
    }

    @Test
    void theLiveStopperStopsACandidateDominatedByTheFront() {
        // random search, 4 at a time, 30 epochs of 40 ms: the first candidates finish and form the front, later ones
        // are judged from epoch 2 while they train
        ObjectNode s = twoObjectives(16, 4, 40);
        s.putObject("stopping").put("rule", "pareto").put("gracePeriod", 2).put("minTrials", 2)
                .put("margin", 0.01).put("runningReferences", false); // decisions name a finished front point
        start(client, "it-pareto", s, null);
        SearchResult r = result(client, "it-pareto", Duration.ofSeconds(180));
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(16, r.leaderboard().size());
        List<CandidateResult> stopped = r.leaderboard().stream()
                .filter(c -> c.outcome() == Outcome.STOPPED_EARLY).toList();
        assertFalse(stopped.isEmpty(), "the pareto rule stopped nobody: " + r.leaderboard().stream()
                .map(c -> c.candidateId() + " " + c.outcome() + " " + c.metrics()).collect(Collectors.joining("\n")));
        Map<String, List<StopDecision>> onTopic = readAll(stack.kafka(), Topics.STOP_DECISIONS,
                EventSerde.STOP_DECISION, d -> d.searchId().equals("it-pareto")).stream()
                .map(Stacks.Rec::value).collect(Collectors.groupingBy(StopDecision::candidateId));
        for (CandidateResult c : stopped) {
            assertTrue(c.epochsTrained() < 30, c.candidateId() + " trained " + c.epochsTrained());
            assertTrue(c.reason().startsWith("pareto: "), c.candidateId() + ": " + c.reason());
            Matcher m = FRONT.matcher(c.reason());
            assertTrue(m.find(), "the reason names the dominating front point and the margin: " + c.reason());
            // the named front point finished, is no larger and ended better than the stopped one could have by 1%
            CandidateResult front = r.leaderboard().stream().filter(x -> x.candidateId().equals(m.group(1)))
                    .findFirst().orElseThrow(() -> new AssertionError("no front point " + m.group(1)));
            assertEquals(Outcome.COMPLETED, front.outcome(), front.candidateId());
            assertEquals(front.metrics().get("params"), Double.parseDouble(m.group(3)), 0.5);
            assertEquals(front.metrics().get("validAccuracy"), Double.parseDouble(m.group(2)), 1e-3);
            assertTrue(front.metrics().get("params") <= c.metrics().get("params"), front + " vs " + c);
            assertTrue(front.metrics().get("validAccuracy") * 0.99 > c.metrics().get("validAccuracy"),
                    front + " vs " + c);
            List<StopDecision> ds = onTopic.get(c.candidateId());
            assertNotNull(ds, c.candidateId() + " has no decision on " + Topics.STOP_DECISIONS);
            assertEquals(1, ds.size(), c.candidateId() + " decided " + ds);
            assertEquals("pareto", ds.get(0).rule());
        }
        // the params the rule compared came with the candidates' start events
        List<SearchEvent> starts = readAll(stack.kafka(), Topics.SEARCH_EVENTS, EventSerde.SEARCH_EVENT,
                e -> e.searchId().equals("it-pareto") && e.type() == SearchEventType.CANDIDATE_STARTED).stream()
                .map(Stacks.Rec::value).toList();
        assertEquals(16, starts.size());
        for (SearchEvent e : starts) {
            Object statics = e.payload().get("staticMetrics");
            assertTrue(statics instanceof Map<?, ?> m && m.get("params") instanceof Number, e.payload().toString());
        }
        System.out.println("pareto search: " + stopped.size() + " of 16 stopped, e.g. " + stopped.get(0).reason());
    }

    /** A two-objective (validAccuracy, params) random search: {@code n} candidates, 30 epochs of {@code epochMs}. */
    static ObjectNode twoObjectives(int n, int concurrent, int epochMs) {
        ObjectNode s = spec("pareto", "random", n, concurrent, epochMs);
        ArrayNode objectives = s.putArray("objectives");
        objectives.addObject().put("metric", "validAccuracy").put("direction", "maximize");
        objectives.addObject().put("metric", "params").put("direction", "minimize");
        ((ObjectNode) s.get("fidelity")).put("epochs", 30);
        return s;
    }

    /**
     * {@code estimate: surrogate} on the running stack: the stopper waits for the surrogate service's prediction made
     * from each epoch and judges the candidate by it, calibrated on the predictions the finished candidates had from
     * that epoch. The search is warm-started from one the service followed, so its candidates are predicted from
     * their first epoch (a cold search's first candidates finish before the service has learnt anything, and those
     * judged meanwhile are judged by the curve fit, which the reason says).
     */
    @Test
    void withTheSurrogateEstimateTheLiveStopperJudgesByTheServicesPredictions() {
        String sourceId = "it-pareto-source";
        String id = "it-pareto-surrogate";
        start(client, sourceId, twoObjectives(40, 8, 40), null);
        SearchResult src = result(client, sourceId, Duration.ofSeconds(240));
        assertEquals("COMPLETED", src.status().phase());
        // epochs of 100 ms and decisions from epoch 12: the service learns the source's curves (about a second after
        // the warm start's priors arrive, the out-of-fold fits included) before the first candidates reach epoch 12
        ObjectNode s = twoObjectives(40, 8, 100);
        s.put("seed", 5);
        s.putObject("warmStart").putArray("searches").add(sourceId);
        s.putObject("stopping").put("rule", "pareto").put("estimate", "surrogate").put("gracePeriod", 12)
                .put("minTrials", 3);
        start(client, id, s, null);
        SearchResult r = result(client, id, Duration.ofSeconds(240));
        assertEquals("COMPLETED", r.status().phase());
        assertEquals(40, r.leaderboard().size());
        List<StopDecision> decisions = readAll(stack.kafka(), Topics.STOP_DECISIONS, EventSerde.STOP_DECISION,
                d -> d.searchId().equals(id)).stream().map(Stacks.Rec::value).toList();
        int cited = 0;
        for (StopDecision d : decisions) {
            String why = d.reason();
            assertEquals("pareto", d.rule(), why);
            if (why.contains("): predicted ")) {
                // the prediction the service made from the very epoch judged
                assertTrue(why.contains(" after " + d.epoch() + " of 30 epochs (surrogate prediction of "
                        + d.candidateId() + " after epoch " + d.epoch() + " of 30, model v"), why);
                cited++;
            } else {
                assertTrue(why.contains(", so the curve fit; optimistic final ("), why);
            }
        }
        assertTrue(cited > 0, "no decision judged by a surrogate prediction: " + decisions);
        long stopped = r.leaderboard().stream().filter(c -> c.outcome() == Outcome.STOPPED_EARLY).count();
        assertEquals(decisions.size(), stopped, "one decision per stopped candidate");
        System.out.println("pareto with estimate surrogate: " + stopped + " of 40 stopped, " + cited
                + " by a surrogate prediction, e.g. " + decisions.stream().filter(d -> d.reason()
                .contains("): predicted ")).findFirst().map(StopDecision::reason).orElse(""));
    }
}
