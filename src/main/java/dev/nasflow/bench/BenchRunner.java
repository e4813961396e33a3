package dev.nasflow.bench;

import dev.nasflow.nb201.SimulatedClock;
import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategy;
import dev.nasflow.strategy.StrategyContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a search strategy on the NAS-Bench-201 table under the published protocol (Dong &amp; Yang, ICLR 2020):
 * <ol>
 *   <li>the strategy proposes; each proposal is evaluated by the {@link TableTrainer} at its epochs — at the
 *       protocol's 12 epochs the search sees the tabulated 12-epoch validation accuracy — and pays
 *       {@code train-all-time × epochs / 200} simulated seconds;</li>
 *   <li>the run stops once cumulative simulated time reaches the budget (12,000 s); the evaluation that crosses it
 *       still counts, as in the reference code's {@code while total_time_cost < time_budget} loop;</li>
 *   <li>the pick is the best observed validation accuracy at the highest fidelity observed (12 epochs for
 *       single-fidelity strategies; ties go to the first seen) and the run reports the pick's 200-epoch validation
 *       accuracy.</li>
 * </ol>
 * With batch size k the strategy is asked for k proposals at once, all are evaluated (in order, each paying its time)
 * before any is observed — like k parallel workers; when the budget is crossed inside a batch, the rest of the batch
 * is not evaluated. With {@link BenchConfig#resumePromotions()} a cell proposed again at more epochs pays only the new
 * epochs (resumed from its checkpoint); otherwise every evaluation pays its full epochs. Runs are independent (one
 * strategy, clock and trainer each, the table shared) and run on a small thread pool; each run's result depends only
 * on its seed, so the thread count never changes the numbers.
 */
public final class BenchRunner {
    /** What the search optimises: the validation accuracy it is shown. */
    public static final List<Objective> OBJECTIVES = List.of(new Objective("validAccuracy", Direction.MAXIMIZE));

    private final Nb201Table table;
    private final StrategyFactory factory;
    private final TableTrainer trainer;

    public BenchRunner(Nb201Table table, StrategyFactory factory) {
        this.table = table;
        this.factory = factory;
        this.trainer = new TableTrainer(table);
    }

    public Nb201Table table() {
        return table;
    }

    /** All runs of the benchmark, in seed order. */
    public BenchResult run(BenchConfig config) {
        return run(config, done -> {
        });
    }

    /** As {@link #run(BenchConfig)}, calling {@code progress} with the number of finished runs after each one. */
    public BenchResult run(BenchConfig config, java.util.function.IntConsumer progress) {
        AtomicInteger finished = new AtomicInteger();
        long t0 = System.nanoTime();
        int threads = Math.min(config.threads(), config.runs());
        List<RunResult> results = new ArrayList<>(config.runs());
        if (threads == 1) {
            for (int r = 0; r < config.runs(); r++) {
                results.add(runOne(config, config.seed() + r));
                progress.accept(finished.incrementAndGet());
            }
        } else {
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
                Thread t = new Thread(task, "nasflow-bench-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<RunResult>> futures = new ArrayList<>(config.runs());
                for (int r = 0; r < config.runs(); r++) {
                    long seed = config.seed() + r;
                    futures.add(pool.submit(() -> {
                        RunResult one = runOne(config, seed);
                        progress.accept(finished.incrementAndGet());
                        return one;
                    }));
                }
                for (Future<RunResult> f : futures) {
                    results.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("benchmark interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            } finally {
                pool.shutdownNow();
            }
        }
        return BenchResult.of(config, results, (System.nanoTime() - t0) / 1e9);
    }

    /** One run with the given seed. */
    public RunResult runOne(BenchConfig config, long seed) {
        SimulatedClock clock = new SimulatedClock();
        TableTrainer tt = trainer.withClock(clock);
        StrategyContext ctx = new StrategyContext(Nb201Table.space(), OBJECTIVES, seed, config.params(),
                config.minEpochs(), config.maxEpochs());
        Strategy strategy = factory.create(config.strategy(), ctx);
        List<Observation> seen = new ArrayList<>();
        Map<Integer, Integer> trained = new HashMap<>();
        String stop = "budget";
        run:
        while (!clock.reached(config.budgetSeconds())) {
            if (strategy.exhausted()) {
                stop = "exhausted";
                break;
            }
            List<Proposal> batch = strategy.propose(config.batchSize());
            if (batch.isEmpty()) {
                stop = strategy.exhausted() ? "exhausted" : "stalled";
                break;
            }
            if (batch.size() > config.batchSize()) {
                throw new IllegalStateException("strategy " + config.strategy() + " returned " + batch.size()
                        + " proposals when asked for " + config.batchSize());
            }
            List<Observation> done = new ArrayList<>(batch.size());
            for (Proposal p : batch) {
                int idx = check(config, p);
                Integer before = config.resumePromotions() ? trained.get(idx) : null;
                Map<String, Double> metrics = before != null && before <= p.epochs()
                        ? tt.resume(p.genome(), before, p.epochs()) : tt.evaluate(p.genome(), p.epochs());
                trained.merge(idx, p.epochs(), Math::max);
                Observation o = new Observation(p.genome(), p.epochs(), metrics, Outcome.COMPLETED);
                done.add(o);
                seen.add(o);
                if (clock.reached(config.budgetSeconds())) {
                    break;
                }
            }
            for (Observation o : done) {
                strategy.observe(o);
            }
            if (clock.reached(config.budgetSeconds())) {
                break run;
            }
        }
        if (seen.isEmpty()) {
            throw new IllegalStateException("strategy " + config.strategy() + " (seed " + seed
                    + ") evaluated nothing: it proposed no candidate");
        }
        Observation pick = pick(seen);
        int idx = Nb201Table.index(pick.genome());
        return new RunResult(seed, idx, Nb201Table.arch(idx), table.valid200(idx), pick.epochs(),
                pick.metric("validAccuracy"), seen.size(), clock.now(), stop);
    }

    /** Best validation accuracy among the observations at the highest fidelity; ties → the first seen. */
    static Observation pick(List<Observation> seen) {
        int top = 0;
        for (Observation o : seen) {
            top = Math.max(top, o.epochs());
        }
        Observation best = null;
        for (Observation o : seen) {
            if (o.epochs() == top && (best == null || o.metric("validAccuracy") > best.metric("validAccuracy"))) {
                best = o;
            }
        }
        return best;
    }

    private int check(BenchConfig config, Proposal p) {
        if (p == null || p.genome() == null) {
            throw new IllegalStateException("strategy " + config.strategy() + " proposed a null candidate");
        }
        if (p.epochs() < 1 || p.epochs() > Nb201Table.FULL_EPOCHS) {
            throw new IllegalStateException("strategy " + config.strategy() + " proposed " + p.epochs()
                    + " epochs; the NB201 table covers 1.." + Nb201Table.FULL_EPOCHS);
        }
        try {
            return table.require(Nb201Table.index(p.genome()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("strategy " + config.strategy() + " proposed " + p.genome()
                    + ", which the NB201 table cannot evaluate: " + e.getMessage(), e);
        }
    }
}
