package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Deterministic synthetic objectives and a driver loop for strategy tests. */
final class Synthetic {
    static final CellSpace NB201 = CellSpace.nb201();
    static final Objective ACC = new Objective("validAccuracy", Direction.MAXIMIZE);
    static final Objective PARAMS = new Objective("params", Direction.MINIMIZE);

    private Synthetic() {
    }

    /** A fixed, rugged-but-structured accuracy in 10..~95 for any genome (a function of its choices only). */
    static double accuracy(Genome g) {
        double a = 40;
        for (int i = 0; i < g.length(); i++) {
            a += ((g.choice(i) * 7 + i * 3) % 5) * 1.9;
        }
        if (g.choice(0) == 3 && g.choice(g.length() - 1) == 3) {
            a += 6;
        }
        a += ((g.hashCode() & 0x7fffffff) % 1000) / 1000.0;
        return Math.min(a, 99);
    }

    /** A fake parameter count growing with the number of conv ops (choices 2, 3). */
    static double params(Genome g) {
        double p = 0.1;
        for (int i = 0; i < g.length(); i++) {
            p += g.choice(i) == 3 ? 0.15 : g.choice(i) == 2 ? 0.05 : 0.0;
        }
        return p;
    }

    /** Accuracy after {@code epochs}: the final accuracy discounted by a learning curve. */
    static double accuracyAt(Genome g, int epochs, int maxEpochs) {
        return accuracy(g) * (1 - 0.5 * Math.exp(-4.0 * epochs / maxEpochs));
    }

    static Observation observe(Proposal p, int maxEpochs) {
        Map<String, Double> m = new HashMap<>();
        m.put("validAccuracy", accuracyAt(p.genome(), p.epochs(), maxEpochs));
        m.put("params", params(p.genome()));
        return new Observation(p.genome(), p.epochs(), m, Outcome.COMPLETED);
    }

    static Observation failed(Proposal p, Outcome outcome) {
        return new Observation(p.genome(), 0, Map.of(), outcome);
    }

    static StrategyContext ctx(SearchSpace space, long seed, Map<String, Object> params, int minEpochs, int maxEpochs,
                               Objective... objectives) {
        return new StrategyContext(space, List.of(objectives.length == 0 ? new Objective[] {ACC} : objectives), seed,
                params, minEpochs, maxEpochs);
    }

    /**
     * Drive a strategy for {@code evaluations} results: asks for batches of 1..3 proposals, observes them in a
     * shuffled-but-deterministic order (so the asynchronous paths are exercised), every 7th one failing. Returns the
     * proposals in order.
     */
    static List<Proposal> drive(Strategy s, int evaluations, int maxEpochs, boolean withFailures) {
        List<Proposal> all = new ArrayList<>();
        List<Proposal> inFlight = new ArrayList<>();
        int observed = 0;
        int round = 0;
        while (observed < evaluations) {
            round++;
            int want = 1 + round % 3;
            List<Proposal> p = s.propose(want);
            all.addAll(p);
            inFlight.addAll(p);
            if (inFlight.isEmpty()) {
                if (s.exhausted()) {
                    break;
                }
                throw new AssertionError(s.name() + " proposed nothing with nothing in flight after " + observed);
            }
            // Observe all but (sometimes) the newest, oldest-but-one first.
            int take = inFlight.size() > 1 && round % 2 == 0 ? inFlight.size() - 1 : inFlight.size();
            List<Proposal> now = new ArrayList<>(inFlight.subList(0, take));
            inFlight.subList(0, take).clear();
            if (now.size() > 1) {
                now.add(now.remove(0));
            }
            for (Proposal q : now) {
                observed++;
                if (withFailures && observed % 7 == 0) {
                    Outcome o = switch (observed % 3) {
                        case 0 -> Outcome.FAILED;
                        case 1 -> Outcome.DIVERGED;
                        default -> Outcome.INFEASIBLE;
                    };
                    s.observe(failed(q, o));
                } else {
                    s.observe(observe(q, maxEpochs));
                }
            }
        }
        return all;
    }

    /** A strategy wrapper that records every observation passed to it. */
    static final class Recording implements Strategy {
        private final Strategy inner;
        private final List<Observation> observations = new ArrayList<>();

        Recording(Strategy inner) {
            this.inner = inner;
        }

        List<Observation> observations() {
            return observations;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public List<Proposal> propose(int n) {
            return inner.propose(n);
        }

        @Override
        public void observe(Observation observation) {
            observations.add(observation);
            inner.observe(observation);
        }

        @Override
        public boolean exhausted() {
            return inner.exhausted();
        }
    }
}
