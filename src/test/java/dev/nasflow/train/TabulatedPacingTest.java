package dev.nasflow.train;

import dev.nasflow.nb201.Nb201Table;
import dev.nasflow.nb201.TableTrainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trainer.pacing tabulated: each cell's epochs take its train-all-time over the table's mean, mean kept at 1. */
class TabulatedPacingTest {
    @Test
    void relativeTrainTimeSpansTheTablesRangeWithMeanOne() {
        Nb201Table table = Nb201Table.cifar10();
        TableCandidateTrainer trainer = new TableCandidateTrainer(new TableTrainer(table));
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        int n = 0;
        for (int i : table.indices()) {
            double r = trainer.relativeTrainTime(Nb201Table.genome(i));
            min = Math.min(min, r);
            max = Math.max(max, r);
            sum += r;
            n++;
        }
        assertEquals(1.0, sum / n, 1e-6, "the mean epoch stays pacingMillisPerEpoch");
        assertTrue(max / min > 6.0 && max / min < 7.0, "CIFAR-10 train-all-time spans 6.4x: " + max / min);
        assertTrue(min > 0.25 && max < 2.0, min + " .. " + max);
    }
}
