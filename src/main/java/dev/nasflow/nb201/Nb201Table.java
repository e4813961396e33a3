package dev.nasflow.nb201;

import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * The NAS-Bench-201 tables joined on the architecture string and indexed for O(1) lookup.
 *
 * <p>Two tables are read: the 200-epoch table (by default the shipped {@code cifar10-200ep.csv.gz}: train / valid /
 * test accuracy and loss after 200 epochs and {@code train-all-time}) and the 12-epoch table (by default the shipped
 * {@code all-12ep.csv.gz}: validation and test accuracy after the 12-epoch schedule for CIFAR-10, CIFAR-100 and
 * ImageNet16-120). Any files with the same kind of columns work ({@code .csv} or gzip-compressed, detected by content),
 * with column names mapped through {@link Nb201TableSource}.
 *
 * <p>Cells are identified by the genome of {@link CellSpace#nb201()}: its six choices (edges 1&lt;-0, 2&lt;-0,
 * 2&lt;-1, 3&lt;-0, 3&lt;-1, 3&lt;-2, each an index into {@link CellSpace#NB201_OPS}) read as a base-5 number, first
 * edge most significant, give the dense index 0..15624 — the order of {@link CellSpace#enumerate()}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Nb201Table {
    /** Number of cells of the NB201 topology space (5^6). */
    public static final int CELLS = 15_625;
    /** Epochs of the short schedule whose accuracy the published protocol lets a search see. */
    public static final int LOW_EPOCHS = 12;
    /** Epochs of the full schedule whose accuracy the protocol reports for the pick. */
    public static final int FULL_EPOCHS = 200;

    private static final CellSpace SPACE = CellSpace.nb201();
    private static final int OPS = CellSpace.NB201_OPS.size();
    private static final int EDGES = 6;
    private static final String[] ARCH = new String[CELLS];
    private static final Map<String, Integer> INDEX = new HashMap<>(CELLS * 2);
    private static final Map<Nb201TableSource, Nb201Table> SHIPPED = new ConcurrentHashMap<>();

    static {
        for (int i = 0; i < CELLS; i++) {
            ARCH[i] = SPACE.canonical(genome(i));
            INDEX.put(ARCH[i], i);
        }
    }

    private final Nb201TableSource source;
    private final boolean[] present;
    private final int size;
    private final double[] valid12 = nanArray();
    private final double[] test12 = nanArray();
    private final double[] trainAcc200 = nanArray();
    private final double[] trainLoss200 = nanArray();
    private final double[] valid200 = nanArray();
    private final double[] validLoss200 = nanArray();
    private final double[] test200 = nanArray();
    private final double[] testLoss200 = nanArray();
    private final double[] time200 = nanArray();
    private final int only200;
    private final int only12;
    /** True when only {@code train-all-time} was read from the 200-epoch table ({@link #shippedTwelveEpoch}). */
    private final boolean timeOnly200;
    private static final Map<Nb201Dataset, Nb201Table> TWELVE = new ConcurrentHashMap<>();

    private Nb201Table(Nb201TableSource source, byte[] data200, byte[] data12) {
        this(source, data200, data12, false);
    }

    private Nb201Table(Nb201TableSource source, byte[] data200, byte[] data12, boolean timeOnly200) {
        this.source = source;
        this.timeOnly200 = timeOnly200;
        boolean[] has200 = new boolean[CELLS];
        boolean[] has12 = new boolean[CELLS];
        read200(data200, has200);
        read12(data12, has12);
        present = new boolean[CELLS];
        int n = 0;
        int a = 0;
        int b = 0;
        for (int i = 0; i < CELLS; i++) {
            present[i] = has200[i] && has12[i];
            if (present[i]) {
                n++;
            } else if (has200[i]) {
                a++;
            } else if (has12[i]) {
                b++;
            }
        }
        if (n == 0) {
            throw new Nb201TableException("no architecture appears in both tables: the 200-epoch table "
                    + source.describe200() + " (column '" + source.columnName(Nb201Column.ARCH_200)
                    + "') and the 12-epoch table " + source.describe12() + " (column '"
                    + source.columnName(Nb201Column.ARCH_12) + "') are joined on the architecture string");
        }
        size = n;
        only200 = a;
        only12 = b;
    }

    /**
     * The shipped CIFAR-10 tables (the published protocol's setting), loaded once per JVM and shared.
     */
    public static Nb201Table cifar10() {
        return shared(Nb201TableSource.shippedCifar10());
    }

    /**
     * The shipped 12-epoch figures of {@code dataset} ({@code all-12ep.csv}: e.g. {@code cifar100-val} and
     * {@code cifar100-test}) with the simulated cost of the shipped CIFAR-10 table ({@code train-all-time}, the only
     * timing shipped); its 200-epoch accuracies and losses are unknown (NaN), never CIFAR-10's. Loaded once per JVM.
     * For simulations that search on the 12-epoch validation accuracy and score by the 12-epoch test accuracy.
     */
    public static Nb201Table shippedTwelveEpoch(Nb201Dataset dataset) {
        return TWELVE.computeIfAbsent(dataset, d -> {
            Nb201TableSource src = Nb201TableSource.shipped(d);
            return new Nb201Table(src, read(null, Nb201TableSource.SHIPPED_200, "--table-200"),
                    read(null, Nb201TableSource.SHIPPED_12, "--table-12"), true);
        });
    }

    /** True for {@link #shippedTwelveEpoch} tables: 200-epoch figures unknown, cost from CIFAR-10's timing. */
    public boolean twelveEpochOnly() {
        return timeOnly200;
    }

    /** Loads (or returns the already loaded, shared) table for a source. */
    public static Nb201Table shared(Nb201TableSource source) {
        Nb201Table t = SHIPPED.get(source);
        if (t == null) {
            t = load(source);
            Nb201Table prev = SHIPPED.putIfAbsent(source, t);
            if (prev != null) {
                t = prev;
            }
        }
        return t;
    }

    /**
     * Loads and joins the two tables of a source.
     *
     * @throws Nb201TableException naming the file (and option), the missing column (and the option that maps it), the
     *                             {@code file:line} of an unparseable row, or the architecture outside the NB201 space
     */
    public static Nb201Table load(Nb201TableSource source) {
        if (source.table200() == null && source.dataset() != Nb201Dataset.CIFAR10) {
            throw new Nb201TableException("the shipped 200-epoch table is CIFAR-10 only (cifar10-valid); for --dataset "
                    + source.dataset().id() + " pass --table-200 FILE with that dataset's 200-epoch figures");
        }
        byte[] d200 = read(source.table200(), Nb201TableSource.SHIPPED_200, "--table-200");
        byte[] d12 = read(source.table12(), Nb201TableSource.SHIPPED_12, "--table-12");
        return new Nb201Table(source, d200, d12);
    }

    private static byte[] read(Path path, String resource, String option) {
        try {
            InputStream raw;
            String name;
            if (path == null) {
                name = "classpath:" + resource;
                raw = Nb201Table.class.getClassLoader().getResourceAsStream(resource);
                if (raw == null) {
                    throw new Nb201TableException("shipped table " + name + " is missing from the classpath; rebuild "
                            + "nasflow or give the file with " + option + " PATH");
                }
            } else {
                name = path.toString();
                if (Files.isDirectory(path)) {
                    throw new Nb201TableException("table path " + path + " (given with " + option
                            + ") is a directory; give a .csv or .csv.gz file");
                }
                if (!Files.isRegularFile(path)) {
                    throw new Nb201TableException("table file not found: " + path + " (given with " + option
                            + "); give an existing .csv or .csv.gz file");
                }
                raw = Files.newInputStream(path);
            }
            try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
                in.mark(2);
                int b0 = in.read();
                int b1 = in.read();
                in.reset();
                if (b0 == 0x1f && b1 == 0x8b) {
                    try (InputStream gz = new GZIPInputStream(in, 1 << 16)) {
                        return gz.readAllBytes();
                    }
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new Nb201TableException("cannot read table " + name + " (" + option + "): " + e.getMessage(), e);
            }
        } catch (NoSuchFileException e) {
            throw new Nb201TableException("table file not found: " + path + " (given with " + option + ")", e);
        } catch (IOException e) {
            throw new Nb201TableException("cannot open table " + path + " (" + option + "): " + e.getMessage(), e);
        }
    }

    private void read200(byte[] data, boolean[] has) {
        String file = source.describe200();
        CsvScanner csv = header(data, file, "--table-200");
        int width = csv.fieldCount();
        Map<String, Integer> header = headerMap(csv);
        int arch = column(header, Nb201Column.ARCH_200, file);
        int[] cols = {
                column(header, Nb201Column.TRAIN_ACCURACY_200, file),
                column(header, Nb201Column.TRAIN_LOSS_200, file),
                column(header, Nb201Column.VALID_ACCURACY_200, file),
                column(header, Nb201Column.VALID_LOSS_200, file),
                column(header, Nb201Column.TEST_ACCURACY_200, file),
                column(header, Nb201Column.TEST_LOSS_200, file),
                column(header, Nb201Column.TIME_200, file)};
        Nb201Column[] names = {Nb201Column.TRAIN_ACCURACY_200, Nb201Column.TRAIN_LOSS_200,
                Nb201Column.VALID_ACCURACY_200, Nb201Column.VALID_LOSS_200, Nb201Column.TEST_ACCURACY_200,
                Nb201Column.TEST_LOSS_200, Nb201Column.TIME_200};
        double[][] into = {trainAcc200, trainLoss200, valid200, validLoss200, test200, testLoss200, time200};
        int[] firstLine = new int[CELLS];
        while (csv.next()) {
            int idx = rowIndex(csv, width, arch, file, has, firstLine);
            for (int k = 0; k < cols.length; k++) {
                if (cols[k] >= 0 && (!timeOnly200 || names[k] == Nb201Column.TIME_200)) {
                    into[k][idx] = number(csv, cols[k], names[k], file);
                }
            }
            if (!(time200[idx] > 0)) {
                throw new Nb201TableException(file + ":" + csv.lineNumber() + ": column '"
                        + source.columnName(Nb201Column.TIME_200) + "' must be a positive number of seconds, got "
                        + time200[idx]);
            }
        }
    }

    private void read12(byte[] data, boolean[] has) {
        String file = source.describe12();
        CsvScanner csv = header(data, file, "--table-12");
        int width = csv.fieldCount();
        Map<String, Integer> header = headerMap(csv);
        int arch = column(header, Nb201Column.ARCH_12, file);
        int valid = column(header, Nb201Column.VALID_ACCURACY_12, file);
        int test = column(header, Nb201Column.TEST_ACCURACY_12, file);
        int[] firstLine = new int[CELLS];
        while (csv.next()) {
            int idx = rowIndex(csv, width, arch, file, has, firstLine);
            valid12[idx] = number(csv, valid, Nb201Column.VALID_ACCURACY_12, file);
            if (test >= 0) {
                test12[idx] = number(csv, test, Nb201Column.TEST_ACCURACY_12, file);
            }
        }
    }

    private static CsvScanner header(byte[] data, String file, String option) {
        CsvScanner csv = new CsvScanner(data);
        if (!csv.next()) {
            throw new Nb201TableException("table " + file + " (" + option + ") is empty; expected a header line "
                    + "and one row per architecture");
        }
        return csv;
    }

    private static Map<String, Integer> headerMap(CsvScanner csv) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < csv.fieldCount(); i++) {
            m.putIfAbsent(csv.field(i), i);
        }
        return m;
    }

    private int column(Map<String, Integer> header, Nb201Column c, String file) {
        String name = source.columnName(c);
        Integer i = header.get(name);
        if (i != null) {
            return i;
        }
        if (!c.required() && !source.explicitlyMapped(c)) {
            return -1;
        }
        List<String> known = new ArrayList<>(header.keySet());
        throw new Nb201TableException("table " + file + " has no column '" + name + "' ("
                + (c.inTable200() ? "200-epoch table" : "12-epoch table") + "); its columns are " + known
                + "; map the right one with " + c.option() + " NAME");
    }

    private int rowIndex(CsvScanner csv, int width, int archCol, String file, boolean[] has, int[] firstLine) {
        if (csv.fieldCount() != width) {
            throw new Nb201TableException(file + ":" + csv.lineNumber() + ": expected " + width
                    + " fields like the header, got " + csv.fieldCount());
        }
        String a = csv.field(archCol);
        Integer idx = INDEX.get(a);
        if (idx == null) {
            try {
                idx = index(SPACE.parse(a));
            } catch (IllegalArgumentException e) {
                throw new Nb201TableException(file + ":" + csv.lineNumber() + ": architecture '" + a
                        + "' is not in the NB201 space: " + e.getMessage());
            }
        }
        if (has[idx]) {
            throw new Nb201TableException(file + ":" + csv.lineNumber() + ": architecture " + ARCH[idx]
                    + " appears twice (first at line " + firstLine[idx] + ")");
        }
        has[idx] = true;
        firstLine[idx] = csv.lineNumber();
        return idx;
    }

    private double number(CsvScanner csv, int col, Nb201Column c, String file) {
        String s = csv.field(col);
        double v;
        try {
            v = s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new Nb201TableException(file + ":" + csv.lineNumber() + ": column '" + source.columnName(c)
                    + "' has '" + s + "', not a number");
        }
        if (Double.isInfinite(v) || (Double.isNaN(v) && c.required())) {
            throw new Nb201TableException(file + ":" + csv.lineNumber() + ": column '" + source.columnName(c)
                    + "' needs a finite number, got '" + s + "'");
        }
        return v;
    }

    private static double[] nanArray() {
        double[] a = new double[CELLS];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    // ---- indexing -------------------------------------------------------------------------------------------------

    /** The NB201 space the table is indexed by. */
    public static CellSpace space() {
        return SPACE;
    }

    /**
     * Dense index 0..15624 of an NB201 genome: its choices read as a base-5 number, first decision most significant.
     *
     * @throws IllegalArgumentException when the genome is not of {@link CellSpace#nb201()}
     */
    public static int index(Genome g) {
        if (!SPACE.id().equals(g.space()) || g.length() != EDGES) {
            throw new IllegalArgumentException("genome " + g + " is not an NB201 cell (space 'nb201', " + EDGES
                    + " choices); the NB201 table only knows CellSpace.nb201()");
        }
        int idx = 0;
        for (int i = 0; i < EDGES; i++) {
            int c = g.choice(i);
            if (c < 0 || c >= OPS) {
                throw new IllegalArgumentException("genome " + g + ": choice " + c + " of decision " + i
                        + " is out of range 0.." + (OPS - 1));
            }
            idx = idx * OPS + c;
        }
        return idx;
    }

    /** Inverse of {@link #index(Genome)}. */
    public static Genome genome(int index) {
        checkIndex(index);
        int[] c = new int[EDGES];
        int r = index;
        for (int i = EDGES - 1; i >= 0; i--) {
            c[i] = r % OPS;
            r /= OPS;
        }
        return new Genome(SPACE.id(), c);
    }

    /** The NB201 architecture string of a cell index. */
    public static String arch(int index) {
        checkIndex(index);
        return ARCH[index];
    }

    /** The cell index of an NB201 architecture string; throws naming the bad part when it is not one. */
    public static int index(String arch) {
        Integer i = INDEX.get(arch);
        return i != null ? i : index(SPACE.parse(arch));
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= CELLS) {
            throw new IllegalArgumentException("NB201 cell index " + index + " out of range 0.." + (CELLS - 1));
        }
    }

    // ---- lookups --------------------------------------------------------------------------------------------------

    public Nb201TableSource source() {
        return source;
    }

    public Nb201Dataset dataset() {
        return source.dataset();
    }

    /** Number of cells present in both tables (15,625 for the shipped ones). */
    public int size() {
        return size;
    }

    /** Cells found only in the 200-epoch table (not usable). */
    public int onlyIn200() {
        return only200;
    }

    /** Cells found only in the 12-epoch table (not usable). */
    public int onlyIn12() {
        return only12;
    }

    public boolean contains(int index) {
        return index >= 0 && index < CELLS && present[index];
    }

    public boolean contains(Genome g) {
        return contains(index(g));
    }

    /** The indices of all cells present in both tables, ascending. */
    public int[] indices() {
        int[] out = new int[size];
        int k = 0;
        for (int i = 0; i < CELLS; i++) {
            if (present[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Throws a clear error when the cell is not in the joined table. */
    public int require(int index) {
        checkIndex(index);
        if (!present[index]) {
            throw new Nb201TableException("architecture " + ARCH[index] + " is not in the loaded tables ("
                    + source.describe200() + ", " + source.describe12() + ")");
        }
        return index;
    }

    public Nb201Entry entry(int index) {
        require(index);
        return new Nb201Entry(index, ARCH[index], valid12[index], test12[index], trainAcc200[index],
                trainLoss200[index], valid200[index], validLoss200[index], test200[index], testLoss200[index],
                time200[index]);
    }

    public Nb201Entry entry(Genome g) {
        return entry(index(g));
    }

    public double valid12(int index) {
        return valid12[require(index)];
    }

    public double test12(int index) {
        return test12[require(index)];
    }

    public double valid200(int index) {
        return valid200[require(index)];
    }

    public double test200(int index) {
        return test200[require(index)];
    }

    public double trainAccuracy200(int index) {
        return trainAcc200[require(index)];
    }

    public double trainLoss200(int index) {
        return trainLoss200[require(index)];
    }

    public double validLoss200(int index) {
        return validLoss200[require(index)];
    }

    public double testLoss200(int index) {
        return testLoss200[require(index)];
    }

    /** Seconds to train the cell for 200 epochs ({@code train-all-time}). */
    public double trainAllTime(int index) {
        return time200[require(index)];
    }

    /** Index of the cell with the highest 200-epoch validation accuracy (the benchmark's optimum; ties → lowest). */
    public int bestValid200() {
        int best = -1;
        for (int i = 0; i < CELLS; i++) {
            if (present[i] && (best < 0 || valid200[i] > valid200[best])) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "Nb201Table[" + size + " cells, dataset " + source.dataset() + ", " + source.describe200() + " + "
                + source.describe12() + "]";
    }
}
