package dev.nasflow.bench;

import dev.nasflow.strategy.Observation;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/** Minimal strategies for exercising the runner without the production registry. */
public final class TestStrategies {
    private TestStrategies() {
    }

    /** Factory knowing "random" (uniform sampling with replacement at maxEpochs, like the NB201 reference). */
    public static final StrategyFactory FACTORY = (type, ctx) -> switch (type) {
        case "random" -> new UniformRandom(ctx);
        default -> throw new IllegalArgumentException("unknown test strategy " + type);
    };

    static final class UniformRandom implements Strategy {
        private final StrategyContext ctx;
        private final Random rng;
        final List<Observation> observed = new ArrayList<>();

        UniformRandom(StrategyContext ctx) {
            this.ctx = ctx;
            this.rng = new Random(ctx.seed());
        }

        @Override
        public String name() {
            return "random";
        }

        @Override
        public List<Proposal> propose(int n) {
            List<Proposal> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Proposal(ctx.space().random(rng), ctx.maxEpochs()));
            }
            return out;
        }

        @Override
        public void observe(Observation observation) {
            observed.add(observation);
        }
    }

    /** Proposes a fixed script of proposals, then nothing. */
    static class Scripted implements Strategy {
        private final Deque<Proposal> script;
        final List<Observation> observed = new ArrayList<>();
        final List<Integer> asked = new ArrayList<>();

        Scripted(List<Proposal> script) {
            this.script = new ArrayDeque<>(script);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public List<Proposal> propose(int n) {
            asked.add(n);
            List<Proposal> out = new ArrayList<>();
            while (out.size() < n && !script.isEmpty()) {
                out.add(script.poll());
            }
            return out;
        }

        @Override
        public void observe(Observation observation) {
            observed.add(observation);
        }

        @Override
        public boolean exhausted() {
            return script.isEmpty();
        }
    }
}
