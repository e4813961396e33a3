package dev.nasflow.nb201;

import dev.nasflow.space.Cost;
import dev.nasflow.space.Genome;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A trainer that looks results up in the NAS-Bench-201 tables instead of training, paying simulated time on a
 * {@link SimulatedClock}: evaluating a cell for {@code e} epochs costs {@code train-all-time × e / 200} simulated
 * seconds (a 12-epoch run about 110 s on average).
 *
 * <p>Accuracies at epoch 12 and 200 are the tabulated ones; other epochs follow {@link LearningCurve} (modelled, see
 * there). Metrics use the project's names: {@code validAccuracy}, {@code testAccuracy} (when the tables have test
 * columns), {@code trainAccuracy}, {@code trainLoss}, {@code validLoss} (known at 200 epochs only), {@code params},
 * {@code flops} (from {@link dev.nasflow.space.CellSpace#cost} for the dataset's input shape, same for every epoch),
 * {@code epochs} and {@code simSeconds} (the simulated cost of this evaluation).
 *
 * <p>A trainer is as thread-safe as its clock: share the table and one trainer per simulated run
 * ({@link #withClock}).
 */
public final class TableTrainer {
    private final Nb201Table table;
    private final SimulatedClock clock;
    private final CostCache costs;

    public TableTrainer(Nb201Table table) {
        this(table, new SimulatedClock());
    }

    public TableTrainer(Nb201Table table, SimulatedClock clock) {
        this(table, clock, new CostCache(table.dataset()));
    }

    private TableTrainer(Nb201Table table, SimulatedClock clock, CostCache costs) {
        this.table = table;
        this.clock = clock;
        this.costs = costs;
    }

    /** A trainer on the same table (sharing its cost cache) that pays into another clock. */
    public TableTrainer withClock(SimulatedClock other) {
        return new TableTrainer(table, other, costs);
    }

    public Nb201Table table() {
        return table;
    }

    public SimulatedClock clock() {
        return clock;
    }

    /** Simulated seconds to train {@code genome} for {@code epochs} epochs: train-all-time × epochs / 200. */
    public double cost(Genome genome, int epochs) {
        checkEpochs(epochs);
        return table.trainAllTime(table.require(Nb201Table.index(genome))) * epochs / Nb201Table.FULL_EPOCHS;
    }

    /** Validation accuracy after {@code epoch} epochs (1..200): tabulated at 12 and 200, else {@link LearningCurve}. */
    public double curve(Genome genome, int epoch) {
        int i = table.require(Nb201Table.index(genome));
        return LearningCurve.at(epoch, table.valid12(i), table.valid200(i), table.dataset().chanceAccuracy());
    }

    /** Test accuracy after {@code epoch} epochs, same model as {@link #curve}; NaN when the tables lack it. */
    public double testCurve(Genome genome, int epoch) {
        int i = table.require(Nb201Table.index(genome));
        return LearningCurve.at(epoch, table.test12(i), table.test200(i), table.dataset().chanceAccuracy());
    }

    /** Metrics after {@code epochs} epochs, without touching the clock. */
    public Map<String, Double> metrics(Genome genome, int epochs) {
        checkEpochs(epochs);
        int i = table.require(Nb201Table.index(genome));
        double chance = table.dataset().chanceAccuracy();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("validAccuracy", LearningCurve.at(epochs, table.valid12(i), table.valid200(i), chance));
        putKnown(m, "testAccuracy", LearningCurve.at(epochs, table.test12(i), table.test200(i), chance));
        if (epochs == Nb201Table.FULL_EPOCHS) {
            putKnown(m, "trainAccuracy", table.trainAccuracy200(i));
            putKnown(m, "trainLoss", table.trainLoss200(i));
            putKnown(m, "validLoss", table.validLoss200(i));
        }
        Cost c = costs.get(i);
        m.put("params", (double) c.params());
        m.put("flops", (double) c.flops());
        m.put("epochs", (double) epochs);
        m.put("simSeconds", table.trainAllTime(i) * epochs / Nb201Table.FULL_EPOCHS);
        return Collections.unmodifiableMap(m);
    }

    /** Evaluates {@code genome} for {@code epochs} epochs: the {@link #metrics}, paying their simSeconds. */
    public Map<String, Double> evaluate(Genome genome, int epochs) {
        Map<String, Double> m = metrics(genome, epochs);
        clock.advance(m.get("simSeconds"));
        return m;
    }

    /**
     * Continues training a cell that was already trained for {@code fromEpochs} epochs (resumed from its checkpoint)
     * up to {@code epochs}: the metrics after {@code epochs}, paying only the {@code epochs - fromEpochs} new epochs
     * ({@code simSeconds} is that increment).
     */
    public Map<String, Double> resume(Genome genome, int fromEpochs, int epochs) {
        if (fromEpochs < 0 || fromEpochs > epochs) {
            throw new IllegalArgumentException("resume needs 0 <= fromEpochs <= epochs, got " + fromEpochs + " -> "
                    + epochs);
        }
        Map<String, Double> m = new LinkedHashMap<>(metrics(genome, epochs));
        double paid = table.trainAllTime(Nb201Table.index(genome)) * (epochs - fromEpochs) / Nb201Table.FULL_EPOCHS;
        m.put("simSeconds", paid);
        clock.advance(paid);
        return Collections.unmodifiableMap(m);
    }

    private static void putKnown(Map<String, Double> m, String k, double v) {
        if (!Double.isNaN(v)) {
            m.put(k, v);
        }
    }

    private static void checkEpochs(int epochs) {
        if (epochs < 1 || epochs > Nb201Table.FULL_EPOCHS) {
            throw new IllegalArgumentException("epochs must be in 1.." + Nb201Table.FULL_EPOCHS
                    + " (the NB201 tables cover the 200-epoch schedule), got " + epochs);
        }
    }

    /** Params and FLOPs per cell for the dataset's input, computed on first use and shared between runs. */
    private static final class CostCache {
        private final Nb201Dataset dataset;
        private final AtomicReferenceArray<Cost> cache = new AtomicReferenceArray<>(Nb201Table.CELLS);

        CostCache(Nb201Dataset dataset) {
            this.dataset = dataset;
        }

        Cost get(int index) {
            Cost c = cache.get(index);
            if (c == null) {
                c = Nb201Table.space().cost(Nb201Table.genome(index), dataset.inputShape());
                cache.set(index, c);
            }
            return c;
        }
    }
}
