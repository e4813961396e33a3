package dev.nasflow.bench;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.strategy.Nsga2;
import dev.nasflow.strategy.Observation;
import dev.nasflow.model.Outcome;
import dev.nasflow.strategy.Pareto;
import dev.nasflow.strategy.Proposal;
import dev.nasflow.strategy.Strategies;
import dev.nasflow.strategy.StrategyContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NSGA-II on the NAS-Bench-201 table with two objectives: 12-epoch CIFAR-10 validation accuracy (maximize) and the
 * cell network's parameter count from the analytic cost model (minimize). The returned front is non-dominated by every
 * evaluated point; its hypervolume (reference: 10% accuracy, 1.6M params) is printed and compared with the true front
 * of the whole table.
 */
class Nsga2OnNb201Test {
    static final List<Direction> DIRS = List.of(Direction.MAXIMIZE, Direction.MINIMIZE);
    static final double[] REFERENCE = {10.0, 1.6e6};

    @Test
    void frontIsNonDominatedAndItsHypervolumeIsReported() {
        TableTrainer trainer = new TableTrainer(Nb201Table.cifar10());
        StrategyContext ctx = new StrategyContext(Nb201Table.space(),
                List.of(new Objective("validAccuracy", Direction.MAXIMIZE),
                        new Objective("params", Direction.MINIMIZE)), 1, Map.of("population", 20), 12, 12);
        Nsga2 nsga = (Nsga2) Strategies.create("nsga2", ctx);
        List<double[]> evaluated = new ArrayList<>();
        while (evaluated.size() < 400) {
            for (Proposal p : nsga.propose(20)) {
                Map<String, Double> m = trainer.metrics(p.genome(), 12);
                evaluated.add(new double[] {m.get("validAccuracy"), m.get("params")});
                nsga.observe(new Observation(p.genome(), 12, m, Outcome.COMPLETED));
            }
        }
        List<double[]> front = new ArrayList<>();
        for (Observation o : nsga.paretoFront()) {
            front.add(new double[] {o.metric("validAccuracy"), o.metric("params")});
        }
        assertTrue(front.size() >= 3, "front of " + front.size());
        for (double[] f : front) {
            for (double[] e : evaluated) {
                assertFalse(Pareto.dominates(e, f, DIRS), "front point " + f[0] + "/" + f[1] + " is dominated");
            }
        }
        double hv = Pareto.hypervolume(front, REFERENCE, DIRS);

        // the true front of all 15,625 cells, for scale
        List<double[]> all = new ArrayList<>();
        for (int i : trainer.table().indices()) {
            Map<String, Double> m = trainer.metrics(Nb201Table.genome(i), 12);
            all.add(new double[] {m.get("validAccuracy"), m.get("params")});
        }
        List<double[]> trueFront = new ArrayList<>();
        for (int i : Pareto.nonDominated(all, DIRS)) {
            trueFront.add(all.get(i));
        }
        double hvTrue = Pareto.hypervolume(trueFront, REFERENCE, DIRS);
        System.out.printf(Locale.ROOT, "NSGA-II on NB201 (400 evaluations, seed 1): front of %d, hypervolume %.4g"
                + " = %.1f%% of the table's true front (%d points, %.4g)%n", front.size(), hv, 100 * hv / hvTrue,
                trueFront.size(), hvTrue);
        assertTrue(hv > 0 && hv <= hvTrue * (1 + 1e-9), hv + " vs " + hvTrue);
        assertTrue(hv >= 0.9 * hvTrue, "NSGA-II reaches 90% of the true front's hypervolume: " + hv / hvTrue);
        assertEquals(front.size(), Pareto.nonDominated(front, DIRS).size());
    }
}
