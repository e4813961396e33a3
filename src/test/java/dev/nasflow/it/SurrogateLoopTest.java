package dev.nasflow.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.bench.StopLatencyBench;
import dev.nasflow.wiring.DevStack;
import dev.nasflow.stream.EventSerde;
import dev.nasflow.stream.KafkaClients;
import dev.nasflow.stream.StopDecision;
import dev.nasflow.stream.SurrogatePrediction;
import dev.nasflow.stream.Topics;
import dev.nasflow.api.SearchResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The surrogate closes the loop on the full stack (embedded Kafka and Temporal, worker with the NB201 table trainer,
 * tabulated pacing, stopper, surrogate service): a search with {@code rule: surrogate} and 50 candidates at a time.
 * The surrogate service publishes a prediction after every epoch of a running candidate once it has learnt from
 * finished ones; the stopper stops candidates, and every decision's reason cites the prediction it used or says that
 * it had none and stopped at a cold rung (successive halving by value) or by the median fallback. Prints the latency
 * metric published -> prediction published (p50, p99).
 */
class SurrogateLoopTest {
    @TempDir
    Path dir;

    @Test
    void surrogateRuleStopsCandidatesCitingThePredictions() throws Exception {
        String searchId = "surrogate-loop";
        ObjectNode spec = Stacks.surrogateSpec(searchId, 150, 50);
        try (DevStack stack = Stacks.surrogateStack(dir, 50)) {
            Stacks.start(stack.client(), searchId, spec, null);
            SearchResult r = Stacks.result(stack.client(), searchId, Duration.ofSeconds(240));
            assertEquals(150, r.status().evaluations(), "every candidate ran");
            assertTrue(r.status().stoppedEarly() > 0, "stopped early: " + r.status().stoppedEarly());

            List<Stacks.Rec<StopDecision>> decisions = Stacks.readAll(stack.kafka(), Topics.STOP_DECISIONS,
                    EventSerde.STOP_DECISION, d -> d.searchId().equals(searchId));
            assertFalse(decisions.isEmpty(), "the surrogate rule stopped candidates");
            int cited = 0;
            int fallback = 0;
            int notYet = 0;
            int tBound = 0;
            for (Stacks.Rec<StopDecision> d : decisions) {
                String reason = d.value().reason();
                assertEquals("surrogate", d.value().rule(), reason);
                if (reason.startsWith("surrogate predicts ")) {
                    String cite = "(surrogate prediction of " + d.value().candidateId() + " after epoch ";
                    assertTrue(reason.contains(cite), reason);
                    int from = Integer.parseInt(reason.substring(reason.indexOf(cite) + cite.length()).split(" ")[0]);
                    assertTrue(from >= d.value().epoch(), "made from the decision's epoch or later: " + reason);
                    assertTrue(reason.contains(" of 12, model v"), reason);
                    if (reason.contains(", optimistic ")) {
                        // the live model's noise is estimated from the finished candidates: its predictions carry
                        // their degrees of freedom through Kafka and the bound uses the t quantile
                        assertTrue(reason.contains(" std, Student t with "), reason);
                        tBound++;
                    }
                    cited++;
                } else {
                    // no model yet: the cold rungs (successive halving by value) or the median fallback
                    assertTrue(reason.startsWith("no surrogate prediction (") && (reason.contains("median fallback")
                            || reason.contains("; at cold rung ")), reason);
                    if (reason.contains("the surrogate service has predicted no candidate of this search with 12 "
                            + "epochs yet")) {
                        notYet++; // judged at once, not after the prediction wait: no model, nothing was coming
                    }
                    fallback++;
                }
            }
            System.out.printf(Locale.ROOT, "surrogate loop: %d stops, %d citing a prediction, %d without one (cold "
                    + "rung or median fallback);"
                    + " e.g. %s%n", decisions.size(), cited, fallback, decisions.get(decisions.size() - 1).value()
                    .reason());
            assertTrue(cited > 0, "some decisions used a surrogate prediction");
            assertTrue(tBound > 0, "some decisions used the optimistic (Student t) bound");
            assertTrue(notYet > 0, "before the first candidate finished, the fallback judged without waiting: "
                    + notYet + " of " + fallback);

            double[] lat = latencies(stack.kafka(), searchId);
            assertTrue(lat.length > 100, "candidate predictions published: " + lat.length);
            double p50 = percentile(lat, 50);
            double p99 = percentile(lat, 99);
            System.out.printf(Locale.ROOT, "surrogate loop: metric published -> prediction published over %d "
                    + "predictions, 50 candidates at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", lat.length, p50,
                    p99, lat[lat.length - 1]);
            // no latency assertion: timing targets live in benchmarks (docs/BENCHMARKS.md), not in unit tests
        }
    }

    /**
     * A search warm-started from a search the stack's surrogate service followed: the service learns the source's
     * curves, so the warm search's candidates are predicted from their first epochs, before any of them finished
     * (the first prediction already learnt from every completed source candidate), and the surrogate rule stops
     * candidates citing those predictions.
     */
    @Test
    void aWarmStartFromAFollowedSearchPredictsFromTheFirstEpochs() throws Exception {
        String sourceId = "surrogate-warm-source";
        String warmId = "surrogate-warm";
        ObjectNode source = Stacks.spec(sourceId, "random", 40, 10, 100);
        ((ObjectNode) source.get("trainer")).put("pacing", "tabulated");
        ObjectNode warm = Stacks.surrogateSpec(warmId, 40, 10);
        warm.put("seed", 5);
        warm.putObject("warmStart").putArray("searches").add(sourceId);
        try (DevStack stack = Stacks.surrogateStack(dir, 10)) {
            Stacks.start(stack.client(), sourceId, source, null);
            SearchResult src = Stacks.result(stack.client(), sourceId, Duration.ofSeconds(240));
            int completed = src.status().evaluations() - src.status().stoppedEarly();
            assertEquals(40, completed, "no stopping in the source search");

            Stacks.start(stack.client(), warmId, warm, null);
            SearchResult r = Stacks.result(stack.client(), warmId, Duration.ofSeconds(240));
            assertEquals("COMPLETED", r.status().phase());
            assertTrue(r.status().warmStart() != null && r.status().warmStart().priors() > 0, "warm-started");

            // the warm search's candidate predictions in publication order: the first ones came before any of its
            // candidates finished, from a model that had learnt the source's curves
            List<SurrogatePrediction> preds = new ArrayList<>();
            for (Stacks.Rec<SurrogatePrediction> rec : Stacks.readAll(stack.kafka(), Topics.SURROGATE_PREDICTIONS,
                    EventSerde.SURROGATE_PREDICTION, p -> p.forCandidate() && p.searchId().equals(warmId))) {
                preds.add(rec.value());
            }
            assertFalse(preds.isEmpty(), "candidate predictions of the warm search");
            SurrogatePrediction first = preds.stream().min(java.util.Comparator.comparingLong(
                    p -> p.metricTimestamp() == null ? Long.MAX_VALUE : p.metricTimestamp())).orElseThrow();
            assertTrue(first.trainedOn() != null && first.trainedOn() >= completed,
                    "the first prediction learnt from the source's " + completed + " curves: " + first);
            assertTrue(preds.stream().anyMatch(p -> p.epoch() != null && p.epoch() <= 2
                    && p.trainedOn() != null && p.trainedOn() >= completed), "predicted from the first epochs");

            List<Stacks.Rec<StopDecision>> decisions = Stacks.readAll(stack.kafka(), Topics.STOP_DECISIONS,
                    EventSerde.STOP_DECISION, d -> d.searchId().equals(warmId));
            long cited = decisions.stream().filter(d -> d.value().reason().startsWith("surrogate predicts ")).count();
            // running references (on by default): stops of candidates whose predicted chance of ending above a
            // running rival is small, each naming the rival and the epoch its prediction was made from
            List<String> byRival = decisions.stream().map(d -> d.value().reason())
                    .filter(x -> x.contains(" above running candidate " + warmId + "-")).toList();
            System.out.printf(Locale.ROOT, "surrogate warm loop: %d stops, %d citing a prediction, %d below a running "
                    + "rival's prediction (e.g. %s); first prediction at epoch %s learnt from %s curves%n",
                    decisions.size(), cited, byRival.size(), byRival.isEmpty() ? "none" : byRival.get(0), first.epoch(),
                    first.trainedOn());
            assertTrue(cited > 0, "the surrogate rule stopped candidates citing predictions: " + decisions);
            assertFalse(byRival.isEmpty(), "running references stopped candidates: " + decisions);
            for (String x : byRival) {
                assertTrue(x.startsWith("surrogate predicts ") && x.contains(" x sqrt(std^2 + its std^2) = ")
                        && x.contains(" x its prediction ") && x.contains(" from its epoch "), x);
            }
        }
    }

    /** Per candidate prediction of the search: its publication time minus its metric's (ms), sorted. */
    static double[] latencies(KafkaClients kafka, String searchId) {
        return StopLatencyBench.predictionLatencies(kafka, searchId).stream().mapToDouble(Long::doubleValue).sorted()
                .toArray();
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
