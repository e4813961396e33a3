package dev.nasflow.bench;

import dev.nasflow.nb201.LearningCurve;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.space.Genome;
import dev.nasflow.strategy.Asha;
import dev.nasflow.strategy.Observation;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.Strategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ASHA (η = 3) on the NB201 learning curves under the bench protocol: every promotion is checked against an
 * independent replay of the rule (a configuration is promoted from rung k when it is the best not-yet-promoted one
 * among the top floor(n_k / η) results of rung k, highest rung first, ties to the earlier result; a new configuration
 * starts at rung 0 only when nothing is promotable), the values it sees are the curve model's, and runs repeat exactly.
 */
class AshaOnNb201Test {
    final Nb201Table table = Nb201Table.cifar10();

    /** Records every proposal and observation of the strategy it wraps, in order. */
    static final class Recording implements Strategy {
        final Strategy inner;
        final List<Object> events = new ArrayList<>();

        Recording(Strategy inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public List<Proposal> propose(int n) {
            List<Proposal> p = inner.propose(n);
            events.addAll(p);
            return p;
        }

        @Override
        public void observe(Observation o) {
            events.add(o);
            inner.observe(o);
        }

        @Override
        public boolean exhausted() {
            return inner.exhausted();
        }
    }

    private Recording run(long seed, List<Recording> sink) {
        BenchRunner r = new BenchRunner(table, (type, ctx) -> {
            Recording rec = new Recording(Strategies.create(type, ctx));
            sink.add(rec);
            return rec;
        });
        BenchConfig c = BenchConfig.protocol("asha", 1, seed).withParams(Map.of("eta", 3)).withEpochs(1, 12);
        RunResult res = r.runOne(c, seed);
        Recording rec = sink.get(sink.size() - 1);
        // the pick is the best 12-epoch result (the top rung), reported at 200 epochs
        Observation best = null;
        for (Object e : rec.events) {
            if (e instanceof Observation o && o.epochs() == 12
                    && (best == null || o.metric("validAccuracy") > best.metric("validAccuracy"))) {
                best = o;
            }
        }
        assertNotNull(best, "some configuration reached the top rung");
        assertEquals(Nb201Table.index(best.genome()), res.index());
        assertEquals(12, res.pickEpochs());
        return rec;
    }

    record Result(Genome genome, double value) {
    }

    @Test
    void promotionRuleIsExactAndRunsRepeat() {
        assertArrayEquals(new int[] {1, 3, 9, 12}, Asha.rungs(1, 12, 3));
        int[] rungs = {1, 3, 9, 12};
        double eta = 3;
        List<Recording> sink = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            Recording rec = run(seed, sink);
            List<List<Result>> results = new ArrayList<>();
            List<Set<Genome>> promoted = new ArrayList<>();
            for (int k = 0; k < rungs.length; k++) {
                results.add(new ArrayList<>());
                promoted.add(new HashSet<>());
            }
            Set<Genome> started = new HashSet<>();
            Proposal pending = null;
            int promotions = 0;
            for (Object e : rec.events) {
                if (e instanceof Proposal p) {
                    assertNull(pending, "sequential protocol: one proposal in flight");
                    pending = p;
                    Result expect = null;
                    int from = -1;
                    for (int k = rungs.length - 2; k >= 0 && expect == null; k--) {
                        expect = promotable(results.get(k), promoted.get(k), eta);
                        from = k;
                    }
                    if (expect != null) {
                        assertEquals(expect.genome(), p.genome(), "promotion: best eligible of the top 1/eta");
                        assertEquals(rungs[from + 1], p.epochs(), "promoted to the next rung");
                        promoted.get(from).add(p.genome());
                        promotions++;
                    } else {
                        assertEquals(rungs[0], p.epochs(), "new configurations start at the lowest rung");
                        assertTrue(started.add(p.genome()), "a new configuration is never one already used");
                    }
                } else {
                    Observation o = (Observation) e;
                    assertEquals(pending.genome(), o.genome());
                    assertEquals(pending.epochs(), o.epochs());
                    int i = Nb201Table.index(o.genome());
                    double v = LearningCurve.at(o.epochs(), table.valid12(i), table.valid200(i), 10.0);
                    assertEquals(v, o.metric("validAccuracy"), "the search sees the NB201 curve");
                    int k = java.util.Arrays.binarySearch(rungs, o.epochs());
                    results.get(k).add(new Result(o.genome(), o.metric("validAccuracy")));
                    pending = null;
                }
            }
            assertTrue(promotions > 10, "promotions happened: " + promotions);
            // asynchronous promotions may exceed n_k/eta over time (a promoted result can drop out of the top later),
            // but the rungs still thin out
            for (int k = 1; k < rungs.length; k++) {
                assertTrue(results.get(k).size() < results.get(k - 1).size(), "rung " + k + " smaller than rung "
                        + (k - 1));
            }
            assertTrue(results.get(3).size() >= 1);
        }
        List<Recording> again = new ArrayList<>();
        Recording first = sink.get(0);
        Recording repeat = run(1, again);
        assertEquals(first.events, repeat.events, "same seed, same proposals and observations");
    }

    /** Independent statement of the rule: the first, in value order (stable), eligible result of the top floor(n/eta). */
    private static Result promotable(List<Result> rung, Set<Genome> promoted, double eta) {
        int top = (int) Math.floor(rung.size() / eta + 1e-9);
        List<Result> sorted = new ArrayList<>(rung);
        sorted.sort((a, b) -> Double.compare(b.value(), a.value()));
        for (int i = 0; i < top; i++) {
            if (!promoted.contains(sorted.get(i).genome())) {
                return sorted.get(i);
            }
        }
        return null;
    }
}
