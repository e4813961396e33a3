package dev.nasflow.nb201;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tables from arbitrary paths with remapped columns, and the errors bad tables produce. */
class Nb201CustomTableTest {
    static final String A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|";
    static final String B = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
    static final String C = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";

    @TempDir
    Path dir;

    static final String T200 = """
            id,cell,acc_v,secs,acc_t
            1,"%s",91.5,3000,91.0
            2,%s,10.0,1000.5,10.0
            3,%s,60.25,2000,59.75
            """.formatted(A, B, C);
    static final String T12 = """
            cell_string,c10v,c10t
            %s,84.0,88.0
            %s,10.0,10.0
            """.formatted(A, B);

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path writeGz(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    private static Map<Nb201Column, String> mapping() {
        Map<Nb201Column, String> m = new EnumMap<>(Nb201Column.class);
        m.put(Nb201Column.ARCH_200, "cell");
        m.put(Nb201Column.VALID_ACCURACY_200, "acc_v");
        m.put(Nb201Column.TIME_200, "secs");
        m.put(Nb201Column.TEST_ACCURACY_200, "acc_t");
        m.put(Nb201Column.ARCH_12, "cell_string");
        m.put(Nb201Column.VALID_ACCURACY_12, "c10v");
        m.put(Nb201Column.TEST_ACCURACY_12, "c10t");
        return m;
    }

    @Test
    void remappedColumnsJoinOnTheArchitecture() throws IOException {
        Nb201Table t = Nb201Table.load(new Nb201TableSource(write("t200.csv", T200), writeGz("t12.csv.gz", T12),
                Nb201Dataset.CIFAR10, mapping()));
        assertEquals(2, t.size(), "C is only in the 200-epoch table");
        assertEquals(1, t.onlyIn200());
        int a = Nb201Table.index(A);
        assertEquals(91.5, t.valid200(a));
        assertEquals(91.0, t.test200(a));
        assertEquals(84.0, t.valid12(a));
        assertEquals(88.0, t.test12(a));
        assertEquals(3000, t.trainAllTime(a));
        assertTrue(Double.isNaN(t.trainLoss200(a)), "absent optional column: unknown");
        assertFalse(t.contains(Nb201Table.index(C)));
        Nb201TableException e = assertThrows(Nb201TableException.class, () -> t.valid12(Nb201Table.index(C)));
        assertTrue(e.getMessage().contains(C), e.getMessage());

        TableTrainer tr = new TableTrainer(t);
        Map<String, Double> m = tr.evaluate(Nb201Table.genome(a), 200);
        assertEquals(91.5, m.get("validAccuracy"));
        assertFalse(m.containsKey("trainLoss"));
        assertEquals(3000, tr.clock().now(), 1e-9);
        assertEquals(a, t.bestValid200());
    }

    @Test
    void missingFileNamesPathAndOption() {
        Path missing = dir.resolve("nope.csv.gz");
        Nb201TableException e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(missing, null, Nb201Dataset.CIFAR10, Map.of())));
        assertTrue(e.getMessage().contains("table file not found: " + missing), e.getMessage());
        assertTrue(e.getMessage().contains("--table-200"), e.getMessage());
        Nb201TableException d = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(null, dir, Nb201Dataset.CIFAR10, Map.of())));
        assertTrue(d.getMessage().contains("directory") && d.getMessage().contains("--table-12"), d.getMessage());
    }

    @Test
    void missingColumnNamesColumnAndOption() throws IOException {
        Path t200 = write("t200.csv", T200);
        Path t12 = write("t12.csv", T12);
        Map<Nb201Column, String> m = mapping();
        m.remove(Nb201Column.TIME_200);
        Nb201TableException e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(t200, t12, Nb201Dataset.CIFAR10, m)));
        assertTrue(e.getMessage().contains("no column 'train-all-time'"), e.getMessage());
        assertTrue(e.getMessage().contains("--col-time-200"), e.getMessage());
        assertTrue(e.getMessage().contains("[id, cell, acc_v, secs, acc_t]"), e.getMessage());

        Map<Nb201Column, String> m2 = mapping();
        m2.remove(Nb201Column.VALID_ACCURACY_12);
        Nb201TableException e2 = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(t200, t12, Nb201Dataset.CIFAR100, m2)));
        assertTrue(e2.getMessage().contains("no column 'cifar100-val'"), e2.getMessage());
        assertTrue(e2.getMessage().contains("--col-valid-12"), e2.getMessage());

        Map<Nb201Column, String> m3 = mapping();
        m3.put(Nb201Column.TRAIN_LOSS_200, "loss");
        Nb201TableException e3 = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(t200, t12, Nb201Dataset.CIFAR10, m3)));
        assertTrue(e3.getMessage().contains("no column 'loss'") && e3.getMessage().contains("--col-train-loss-200"),
                "an optional column mapped explicitly must exist: " + e3.getMessage());
    }

    @Test
    void badRowsNameFileAndLine() throws IOException {
        Path t12 = write("t12.csv", T12);
        Path bad = write("bad.csv", T200.replace("60.25", "sixty"));
        Nb201TableException e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(bad, t12, Nb201Dataset.CIFAR10, mapping())));
        assertTrue(e.getMessage().startsWith(bad + ":4: column 'acc_v' has 'sixty', not a number"), e.getMessage());

        Path shortRow = write("short.csv", T200.replace(",1000.5,10.0", ",1000.5"));
        e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(shortRow, t12, Nb201Dataset.CIFAR10, mapping())));
        assertTrue(e.getMessage().startsWith(shortRow + ":3: expected 5 fields"), e.getMessage());

        Path foreign = write("foreign.csv", T200.replace(B, "|none~0|+|none~0|conv_7x7~1|+|none~0|none~1|none~2|"));
        e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(foreign, t12, Nb201Dataset.CIFAR10, mapping())));
        assertTrue(e.getMessage().startsWith(foreign + ":3: architecture '|none~0|+|none~0|conv_7x7~1|"), e.getMessage());
        assertTrue(e.getMessage().contains("not in the NB201 space") && e.getMessage().contains("conv_7x7"),
                e.getMessage());

        Path dup = write("dup.csv", T12 + A + ",1,2\n");
        e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(write("ok.csv", T200), dup, Nb201Dataset.CIFAR10,
                        mapping())));
        assertTrue(e.getMessage().startsWith(dup + ":4: architecture " + A + " appears twice (first at line 2)"),
                e.getMessage());

        Path zeroTime = write("zero.csv", T200.replace(",1000.5,", ",0,"));
        e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(zeroTime, t12, Nb201Dataset.CIFAR10, mapping())));
        assertTrue(e.getMessage().startsWith(zeroTime + ":3: column 'secs' must be a positive"), e.getMessage());

        Path empty = write("empty.csv", "\n");
        e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(empty, t12, Nb201Dataset.CIFAR10, mapping())));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void disjointTablesAreAnError() throws IOException {
        Path t12 = write("t12.csv", "cell_string,c10v,c10t\n" + C.replace("skip_connect~2", "none~2") + ",1,2\n");
        Nb201TableException e = assertThrows(Nb201TableException.class,
                () -> Nb201Table.load(new Nb201TableSource(write("t200.csv", T200), t12, Nb201Dataset.CIFAR10,
                        mapping())));
        assertTrue(e.getMessage().contains("no architecture appears in both tables"), e.getMessage());
    }

    @Test
    void crlfAndQuotesParse() throws IOException {
        Nb201Table t = Nb201Table.load(new Nb201TableSource(write("t200.csv", T200.replace("\n", "\r\n")),
                write("t12.csv", T12.replace("\n", "\r\n")), Nb201Dataset.CIFAR10, mapping()));
        assertEquals(2, t.size());
        assertEquals(10.0, t.valid12(Nb201Table.index(B)));
    }
}
