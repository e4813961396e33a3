package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201TableTest;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.space.Genome;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchRunnerTest {
    final Nb201Table table = Nb201Table.cifar10();
    final BenchRunner runner = new BenchRunner(table, TestStrategies.FACTORY);

    @Test
    void sameSeedSamePicksWhateverTheThreadCount() {
        BenchConfig c = BenchConfig.protocol("random", 12, 7);
        BenchResult one = runner.run(c.withThreads(1));
        BenchResult two = runner.run(c.withThreads(2));
        BenchResult again = runner.run(c.withThreads(3));
        assertEquals(one.runs(), two.runs());
        assertEquals(one.runs(), again.runs());
        for (int r = 0; r < 12; r++) {
            assertEquals(7 + r, one.runs().get(r).seed());
        }
        assertNotEquals(one.runs().get(0).arch(), one.runs().get(1).arch(), "different seeds search differently");
    }

    @Test
    void protocolBudgetAccounting() {
        List<Observation> seen = new ArrayList<>();
        AtomicReference<TestStrategies.UniformRandom> made = new AtomicReference<>();
        BenchRunner r = new BenchRunner(table, (type, ctx) -> {
            TestStrategies.UniformRandom s = new TestStrategies.UniformRandom(ctx);
            made.set(s);
            return s;
        });
        RunResult res = r.runOne(BenchConfig.protocol("random", 1, 3), 3);
        List<Observation> obs = made.get().observed;
        seen.addAll(obs);
        assertEquals(res.evaluations(), obs.size());
        double total = 0;
        for (Observation o : obs) {
            int i = Nb201Table.index(o.genome());
            assertEquals(12, o.epochs());
            assertEquals(Outcome.COMPLETED, o.outcome());
            assertEquals(table.valid12(i), o.metric("validAccuracy"), "the search sees the 12-epoch accuracy");
            assertEquals(table.trainAllTime(i) * 12 / 200, o.metric("simSeconds"), 1e-9);
            total += o.metric("simSeconds");
        }
        assertEquals(total, res.simSeconds(), 1e-6);
        assertTrue(res.simSeconds() >= 12_000, "stops once the budget is reached");
        double beforeLast = total - obs.get(obs.size() - 1).metric("simSeconds");
        assertTrue(beforeLast < 12_000, "the evaluation that crosses the budget is the last and counts");
        assertTrue(res.evaluations() > 80 && res.evaluations() < 150, "about 110 evaluations: " + res.evaluations());
        assertEquals("budget", res.stopReason());

        // the pick: best observed 12-epoch accuracy, first seen on ties; reported at 200 epochs
        Observation best = seen.get(0);
        for (Observation o : seen) {
            if (o.metric("validAccuracy") > best.metric("validAccuracy")) {
                best = o;
            }
        }
        int bi = Nb201Table.index(best.genome());
        assertEquals(bi, res.index());
        assertEquals(Nb201Table.arch(bi), res.arch());
        assertEquals(table.valid200(bi), res.valid200());
        assertEquals(best.metric("validAccuracy"), res.pickAccuracy());
        assertEquals(12, res.pickEpochs());
    }

    @Test
    void tiesGoToTheFirstSeenAndHighestFidelityWins() {
        Genome a = Nb201Table.genome(100);
        Genome b = Nb201Table.genome(200);
        Genome c = Nb201Table.genome(300);
        Observation oa = new Observation(a, 12, Map.of("validAccuracy", 80.0), Outcome.COMPLETED);
        Observation ob = new Observation(b, 12, Map.of("validAccuracy", 80.0), Outcome.COMPLETED);
        Observation oc = new Observation(c, 4, Map.of("validAccuracy", 95.0), Outcome.COMPLETED);
        assertEquals(a, BenchRunner.pick(List.of(oa, ob, oc)).genome());
        assertEquals(b, BenchRunner.pick(List.of(oc, ob, oa)).genome());
        Observation od = new Observation(c, 36, Map.of("validAccuracy", 50.0), Outcome.COMPLETED);
        assertEquals(c, BenchRunner.pick(List.of(oa, od, ob)).genome());
    }

    @Test
    void multiFidelityProposalsPayTheirEpochsAndSeeTheCurve() {
        Genome g1 = Nb201Table.genome(Nb201Table.index(Nb201TableTest.BEST));
        Genome g2 = Nb201Table.genome(Nb201Table.index(Nb201TableTest.OTHER));
        TestStrategies.Scripted s = new TestStrategies.Scripted(List.of(
                new Proposal(g2, 4), new Proposal(g1, 4), new Proposal(g2, 12), new Proposal(g1, 1)));
        BenchRunner r = new BenchRunner(table, (type, ctx) -> s);
        RunResult res = r.runOne(BenchConfig.protocol("scripted", 1, 1), 1);
        TableTrainer t = new TableTrainer(table);
        assertEquals(4, res.evaluations());
        assertEquals("exhausted", res.stopReason());
        double expect = t.cost(g2, 4) + t.cost(g1, 4) + t.cost(g2, 12) + t.cost(g1, 1);
        assertEquals(expect, res.simSeconds(), 1e-9);
        assertEquals(t.curve(g1, 4), s.observed.get(1).metric("validAccuracy"));
        assertEquals(t.curve(g1, 1), s.observed.get(3).metric("validAccuracy"));
        assertEquals(Nb201TableTest.OTHER, res.arch(), "judged at the highest fidelity observed (12)");
        assertEquals(12, res.pickEpochs());
        assertEquals(87.424, res.valid200(), 1e-9);
    }

    @Test
    void promotionsPayOnlyNewEpochsWhenResumed() {
        Genome g = Nb201Table.genome(Nb201Table.index(Nb201TableTest.BEST));
        double all = table.trainAllTime(Nb201Table.index(g));
        List<Proposal> script = List.of(new Proposal(g, 4), new Proposal(g, 12), new Proposal(g, 12));
        BenchConfig c = BenchConfig.protocol("scripted", 1, 1);
        RunResult full = new BenchRunner(table, (t, ctx) -> new TestStrategies.Scripted(script)).runOne(c, 1);
        assertEquals(all * 28 / 200, full.simSeconds(), 1e-9);
        TestStrategies.Scripted s = new TestStrategies.Scripted(script);
        RunResult resumed = new BenchRunner(table, (t, ctx) -> s).runOne(c.withResumePromotions(true), 1);
        assertEquals(all * 12 / 200, resumed.simSeconds(), 1e-9, "4 epochs, then 8 more, then nothing new");
        assertEquals(all * 8 / 200, s.observed.get(1).metric("simSeconds"), 1e-9);
        assertEquals(table.valid12(Nb201Table.index(g)), s.observed.get(1).metric("validAccuracy"));
        assertEquals(0.0, s.observed.get(2).metric("simSeconds"));
    }

    @Test
    void batchesAreEvaluatedBeforeTheyAreObservedAndCutAtTheBudget() {
        List<Proposal> script = new ArrayList<>();
        Random rng = new Random(5);
        for (int i = 0; i < 400; i++) {
            script.add(new Proposal(Nb201Table.space().random(rng), 12));
        }
        TestStrategies.Scripted s = new TestStrategies.Scripted(script);
        BenchRunner r = new BenchRunner(table, (type, ctx) -> s);
        RunResult res = r.runOne(BenchConfig.protocol("scripted", 1, 1).withBatchSize(8), 1);
        assertTrue(s.asked.stream().allMatch(n -> n == 8));
        assertEquals(res.evaluations(), s.observed.size());
        assertEquals((res.evaluations() + 7) / 8, s.asked.size(), "one propose(8) per batch");
        assertTrue(res.simSeconds() >= 12_000);
        double total = 0;
        for (int i = 0; i < res.evaluations() - 1; i++) {
            total += s.observed.get(i).metric("simSeconds");
        }
        assertTrue(total < 12_000, "stopped at the crossing evaluation, inside the batch");
    }

    @Test
    void strategiesThatStallOrMisbehaveAreReported() {
        BenchRunner stall = new BenchRunner(table, (type, ctx) -> new TestStrategies.Scripted(List.of()) {
            @Override
            public boolean exhausted() {
                return false;
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> stall.runOne(BenchConfig.protocol("lazy", 1, 1), 1));
        assertTrue(e.getMessage().contains("evaluated nothing"), e.getMessage());

        BenchRunner tooMany = new BenchRunner(table, (type, ctx) -> new TestStrategies.Scripted(
                List.of(new Proposal(Nb201Table.genome(0), 300))));
        e = assertThrows(IllegalStateException.class, () -> tooMany.run(BenchConfig.protocol("x", 2, 1)));
        assertTrue(e.getMessage().contains("300 epochs"), e.getMessage());

        BenchRunner foreign = new BenchRunner(table, (type, ctx) -> new TestStrategies.Scripted(
                List.of(new Proposal(new Genome("chain", new int[] {1, 2}), 12))));
        e = assertThrows(IllegalStateException.class, () -> foreign.runOne(BenchConfig.protocol("x", 1, 1), 1));
        assertTrue(e.getMessage().contains("not an NB201 cell"), e.getMessage());
    }

    @Test
    void randomSearchReproducesThePublishedMean() {
        BenchResult res = runner.run(BenchConfig.protocol("random", 200, 1));
        assertEquals(90.93, res.mean(), 0.15, "NB201 paper: random search 90.93 ± 0.36");
        assertTrue(res.std() > 0.1 && res.std() < 0.6, "std " + res.std());
        assertTrue(res.max() <= 91.61);
    }

    @Test
    void configRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol("rea", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol("rea", 1, 1).withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol("rea", 1, 1).withEpochs(13, 12));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol("rea", 1, 1).withEpochs(1, 201));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol("rea", 1, 1).withBudgetSeconds(0));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.protocol(" ", 1, 1));
    }
}
