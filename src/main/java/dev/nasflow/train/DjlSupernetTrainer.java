package dev.nasflow.train;

import dev.nasflow.spec.Defaults;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.SupernetTrainer;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.RankedCandidate;
import dev.nasflow.model.SupernetDerivation;
import dev.nasflow.model.SupernetEpoch;
import dev.nasflow.model.SupernetTask;

import java.util.List;
import java.util.Map;

/** The DJL supernet backend: {@link SupernetSession} for DARTS and SPOS, see docs/TRAINING.md "One-shot search". */
public final class DjlSupernetTrainer implements SupernetTrainer {
    private final PathPolicy paths;

    public DjlSupernetTrainer() {
        this(PathPolicy.fromEnvironment());
    }

    public DjlSupernetTrainer(PathPolicy paths) {
        this.paths = paths;
    }

    @Override
    public SupernetEpoch trainEpoch(SupernetTask task, int attempt, StepListener steps) throws Exception {
        long t0 = System.currentTimeMillis();
        try (SupernetSession s = SupernetSession.open(task.searchId(), task.spec(), paths)) {
            if (task.epoch() < 1 || task.epoch() > s.totalEpochs()) {
                throw new NonRetryableTrainingException("supernet epoch " + task.epoch() + " is outside 1.."
                        + s.totalEpochs() + " (strategy.params.supernetEpochs)");
            }
            int from = s.epochsDone();
            String ckpt = null;
            while (s.epochsDone() < task.epoch()) {
                s.trainEpoch(steps);
                ckpt = s.checkpoint();
            }
            if (ckpt == null) {
                ckpt = SupernetSession.supernetDir(Defaults.apply(task.spec()), task.searchId(), paths)
                        .resolve("epoch-" + s.epochsDone()).toString();
            }
            String arch = OneShot.DARTS.equals(s.method()) ? s.space().canonical(s.derive()) : null;
            return new SupernetEpoch(s.epochsDone(), from, from < task.epoch(), s.lastMetrics(), ckpt, arch,
                    (System.currentTimeMillis() - t0) / 1000.0, attempt);
        }
    }

    @Override
    public SupernetDerivation derive(SupernetTask task, StepListener steps) throws Exception {
        long t0 = System.currentTimeMillis();
        try (SupernetSession s = SupernetSession.open(task.searchId(), task.spec(), paths)) {
            if (s.epochsDone() < task.epoch()) {
                throw new IllegalStateException("the supernet of " + task.searchId() + " is checkpointed at epoch "
                        + s.epochsDone() + ", the derivation expects " + task.epoch() + " (checkpoint lost?)");
            }
            SearchSpace space = Spaces.create(task.spec().space());
            Map<String, Object> p = OneShot.resolve(s.method(), task.spec().strategy().params());
            Genome derived;
            List<RankedCandidate> ranking = List.of();
            if (OneShot.DARTS.equals(s.method())) {
                derived = s.derive();
            } else {
                ranking = s.rank((Integer) p.get("candidates"), (Integer) p.get("calibrationBatches"), steps);
                derived = ranking.get(0).genome();
            }
            Genome g = new Genome(space.id(), derived.choices());
            // the supernet may be built over a width-scaled copy of the space: report genomes of the spec's space
            ranking = ranking.stream().map(r -> new RankedCandidate(new Genome(space.id(), r.genome().choices()),
                    r.arch(), r.validAccuracy(), r.validLoss())).toList();
            return new SupernetDerivation(s.method(), g, space.canonical(g), space.hash(g),
                    OneShot.DARTS.equals(s.method()) ? s.alphaSummary() : List.of(), ranking, s.epochsDone(),
                    (System.currentTimeMillis() - t0) / 1000.0);
        }
    }
}
