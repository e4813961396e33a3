package dev.nasflow.nb201;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;
import org.junit.jupiter.api.Test;

import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class Nb201TableTest {
    public static final String BEST =
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
    public static final String OTHER =
            "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|skip_connect~2|";

    final Nb201Table table = Nb201Table.cifar10();

    @Test
    void loadsAllJoinedCells() {
        assertEquals(15_625, table.size());
        assertEquals(0, table.onlyIn12());
        assertEquals(0, table.onlyIn200());
        assertEquals(15_625, table.indices().length);
        assertSame(table, Nb201Table.cifar10(), "shipped table is loaded once and shared");
    }

    @Test
    void knownValuesOfTwoArchitectures() {
        // cifar10-200ep.csv line 6113 and all-12ep.csv line 6113
        Nb201Entry a = table.entry(CellSpace.nb201().parse(BEST));
        assertEquals(BEST, a.arch());
        assertEquals(0.001446605, a.trainLoss200(), 1e-12);
        assertEquals(99.99466667, a.trainAccuracy200(), 1e-9);
        assertEquals(2879.749334, a.trainAllTime(), 1e-9);
        assertEquals(0.413813347, a.validLoss200(), 1e-12);
        assertEquals(91.60666665, a.valid200(), 1e-9);
        assertEquals(0.426248782, a.testLoss200(), 1e-12);
        assertEquals(91.09, a.test200(), 1e-9);
        assertEquals(84.384, a.valid12(), 1e-9);
        assertEquals(88.79, a.test12(), 1e-9);
        // cifar10-200ep.csv line 7000 and all-12ep.csv line 7000
        Nb201Entry b = table.entry(Nb201Table.index(OTHER));
        assertEquals(OTHER, b.arch());
        assertEquals(87.424, b.valid200(), 1e-9);
        assertEquals(87.105, b.test200(), 1e-9);
        assertEquals(99.86, b.trainAccuracy200(), 1e-9);
        assertEquals(0.009566379, b.trainLoss200(), 1e-12);
        assertEquals(0.571633006, b.validLoss200(), 1e-12);
        assertEquals(1825.914896, b.trainAllTime(), 1e-9);
        assertEquals(71.54, b.valid12(), 1e-9);
        assertEquals(80.02, b.test12(), 1e-9);
    }

    @Test
    void optimumIs9161() {
        int best = table.bestValid200();
        assertEquals(91.61, Math.round(table.valid200(best) * 100) / 100.0, 1e-9);
        assertEquals(BEST, Nb201Table.arch(best));
    }

    @Test
    void indexIsMixedRadixInEnumerationOrder() {
        Iterator<Genome> it = CellSpace.nb201().enumerate();
        for (int i = 0; i < Nb201Table.CELLS; i++) {
            Genome g = it.next();
            assertEquals(i, Nb201Table.index(g));
            assertEquals(g, Nb201Table.genome(i));
            assertEquals(CellSpace.nb201().canonical(g), Nb201Table.arch(i));
        }
        assertTrue(!it.hasNext());
        assertEquals(5 * 5 * 5 * 5 * 5 * 3 + 4, Nb201Table.index(new Genome("nb201", new int[] {3, 0, 0, 0, 0, 4})));
    }

    @Test
    void foreignGenomesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nb201Table.index(new Genome("chain", new int[] {0, 0, 0, 0, 0, 0})));
        assertTrue(e.getMessage().contains("not an NB201 cell"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Nb201Table.index(new Genome("nb201", new int[] {0, 0, 0, 0, 0, 5})));
        assertThrows(IllegalArgumentException.class, () -> Nb201Table.genome(15_625));
    }

    @Test
    void otherDatasetsNeedTheir200EpochTable() {
        Nb201TableException e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(Nb201TableSource.shipped(Nb201Dataset.CIFAR100)));
        assertTrue(e.getMessage().contains("--table-200"), e.getMessage());
        assertEquals(Nb201Dataset.IMAGENET16_120, Nb201Dataset.of("ImageNet16-120"));
        assertThrows(IllegalArgumentException.class, () -> Nb201Dataset.of("mnist"));
    }
}
