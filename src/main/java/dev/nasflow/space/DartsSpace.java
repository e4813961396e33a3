package dev.nasflow.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The DARTS search space (Liu et al., ICLR 2019): a normal and a reduction cell, each of {@code nodes} intermediate
 * nodes; intermediate node i sums two ops applied to two distinct earlier states chosen from {@code 0 = c_{k-2}},
 * {@code 1 = c_{k-1}} and {@code 2 + j} = intermediate node j &lt; i. The cell output is the channel concatenation of
 * all intermediate nodes. The cells are stacked in the DARTS CIFAR skeleton (docs/SPACES.md, "darts").
 *
 * <p>Decisions, for {@code normal} then {@code reduce}, node 0..nodes-1: {@code <cell>.node<i>.input1},
 * {@code .op1}, {@code .input2}, {@code .op2}. Validity: {@code input1 < input2} (distinct inputs, listed in increasing
 * order, so each architecture has exactly one genome). {@code none} may be in the configured op list (for one-shot
 * mixed ops: {@link #mixedOps()}) but never in a discrete genome: the op decisions range over {@link #ops()}.
 *
 * <p>Canonical string: {@code normal=sep_conv_3x3~0,skip_connect~1|...;reduce=max_pool_3x3~0,...}: node groups
 * separated by {@code |}, each {@code op~input,op~input} in increasing input order.
 */
public final class DartsSpace extends AbstractSpace {
    /** The seven discrete DARTS ops, in the order of the DARTS paper's genotypes file. */
    public static final List<String> DARTS_OPS = List.of(Ops.MAX_POOL_3X3, Ops.AVG_POOL_3X3, Ops.SKIP,
            Ops.SEP_CONV_3X3, Ops.SEP_CONV_5X5, Ops.DIL_CONV_3X3, Ops.DIL_CONV_5X5);
    /** Cell kinds, in decision order. */
    public static final List<String> CELLS = List.of("normal", "reduce");
    /** ImageNet-free CIFAR stem: Conv3×3 to {@code STEM_MULTIPLIER × C} channels. */
    public static final int STEM_MULTIPLIER = 3;

    private final int nodes;
    private final List<String> mixedOps;
    private final List<String> ops;
    private final int channels;
    private final int cellsPerStage;
    private final int stages;

    /** One intermediate node of a cell: two (input, op) pairs with {@code input1 < input2}. */
    public record Node(int input1, String op1, int input2, String op2) {
    }

    /**
     * @param ops           candidate ops; may contain {@code none} (kept for one-shot mixed ops, excluded from genomes)
     * @param cellsPerStage normal cells per stage (DARTS: 6 for evaluation = 20 layers, 2 for search = 8 layers)
     * @param stages        resolution stages; a reduction cell sits between consecutive stages (DARTS: 3)
     */
    public DartsSpace(String id, int nodes, List<String> ops, int channels, int cellsPerStage, int stages) {
        super(id, decisionsFor(nodes, discrete(ops)));
        if (nodes < 1) {
            throw new IllegalArgumentException("a DARTS cell needs at least 1 intermediate node, got " + nodes);
        }
        if (channels < 1 || cellsPerStage < 1 || stages < 1) {
            throw new IllegalArgumentException("channels, cellsPerStage and stages must be positive: " + channels
                    + ", " + cellsPerStage + ", " + stages);
        }
        this.nodes = nodes;
        this.mixedOps = List.copyOf(ops);
        this.ops = discrete(ops);
        this.channels = channels;
        this.cellsPerStage = cellsPerStage;
        this.stages = stages;
    }

    /** The DARTS space with the search-network skeleton: 4 nodes, 7 ops, C=16, 2 normal cells per stage (8 layers). */
    public static DartsSpace darts() {
        return new DartsSpace("darts", 4, DARTS_OPS, 16, 2, 3);
    }

    private static List<String> discrete(List<String> ops) {
        List<String> out = new ArrayList<>();
        for (String op : ops) {
            if (!Ops.isCellOp(op)) {
                throw new IllegalArgumentException("unknown DARTS op '" + op + "'; known: " + Ops.CELL_OPS);
            }
            if (!op.equals(Ops.NONE)) {
                out.add(op);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("a DARTS space needs at least one op other than 'none'");
        }
        if (out.stream().distinct().count() != out.size()) {
            throw new IllegalArgumentException("DARTS ops must be distinct: " + ops);
        }
        return List.copyOf(out);
    }

    private static List<Decision> decisionsFor(int nodes, List<String> ops) {
        List<Decision> d = new ArrayList<>();
        for (String cell : CELLS) {
            for (int i = 0; i < nodes; i++) {
                List<String> inputs = new ArrayList<>();
                for (int x = 0; x < i + 2; x++) {
                    inputs.add(Integer.toString(x));
                }
                String p = cell + ".node" + i + ".";
                d.add(new Decision(p + "input1", inputs));
                d.add(new Decision(p + "op1", ops));
                d.add(new Decision(p + "input2", inputs));
                d.add(new Decision(p + "op2", ops));
            }
        }
        return d;
    }

    public int nodes() {
        return nodes;
    }

    /** Ops a discrete genome may use (the configured list without {@code none}). */
    public List<String> ops() {
        return ops;
    }

    /** The configured op list as given, {@code none} included if it was: the candidates of a one-shot MixedOp. */
    public List<String> mixedOps() {
        return mixedOps;
    }

    public int channels() {
        return channels;
    }

    public int cellsPerStage() {
        return cellsPerStage;
    }

    public int stages() {
        return stages;
    }

    /** Number of cells in the network: {@code stages × cellsPerStage} normal cells plus {@code stages − 1} reductions. */
    public int layers() {
        return stages * cellsPerStage + stages - 1;
    }

    /** Whether cell {@code layer} (0-based) is a reduction cell: layers cellsPerStage + j·(cellsPerStage + 1). */
    public boolean isReduction(int layer) {
        return layer >= cellsPerStage && (layer - cellsPerStage) % (cellsPerStage + 1) == 0 && layer < layers();
    }

    private int index(int cell, int node, int slot) {
        return (cell * nodes + node) * 4 + slot;
    }

    /** The nodes of one cell ({@code reduce} false = normal cell) of a valid genome. */
    public List<Node> cell(Genome g, boolean reduce) {
        requireValid(g);
        int cell = reduce ? 1 : 0;
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            out.add(new Node(g.choice(index(cell, i, 0)), ops.get(g.choice(index(cell, i, 1))),
                    g.choice(index(cell, i, 2)), ops.get(g.choice(index(cell, i, 3)))));
        }
        return out;
    }

    @Override
    protected List<String> extraViolations(Genome g) {
        List<String> out = new ArrayList<>();
        for (int cell = 0; cell < 2; cell++) {
            for (int i = 0; i < nodes; i++) {
                int a = g.choice(index(cell, i, 0));
                int b = g.choice(index(cell, i, 2));
                if (a == b) {
                    out.add(CELLS.get(cell) + " node " + i + ": both inputs are " + a
                            + "; the two inputs of a node must be distinct");
                } else if (a > b) {
                    out.add(CELLS.get(cell) + " node " + i + ": inputs " + a + ", " + b
                            + " must be listed in increasing order; swap the two (input, op) pairs");
                }
            }
        }
        return out;
    }

    /** Π over both cells and nodes i of C(i+2, 2) input pairs × |ops|² op pairs. */
    @Override
    public BigInteger size() {
        BigInteger opPairs = BigInteger.valueOf(ops.size()).pow(2);
        BigInteger cell = BigInteger.ONE;
        for (int i = 0; i < nodes; i++) {
            long n = i + 2;
            cell = cell.multiply(BigInteger.valueOf(n * (n - 1) / 2)).multiply(opPairs);
        }
        return cell.pow(2);
    }

    /** Uniform over valid genomes: per node a uniform input pair and two uniform ops. */
    @Override
    public Genome random(Random rng) {
        int[] c = new int[decisions().size()];
        for (int cell = 0; cell < 2; cell++) {
            for (int i = 0; i < nodes; i++) {
                int n = i + 2;
                int pair = rng.nextInt(n * (n - 1) / 2);
                int a = 0;
                while (pair >= n - 1 - a) {
                    pair -= n - 1 - a;
                    a++;
                }
                c[index(cell, i, 0)] = a;
                c[index(cell, i, 1)] = rng.nextInt(ops.size());
                c[index(cell, i, 2)] = a + 1 + pair;
                c[index(cell, i, 3)] = rng.nextInt(ops.size());
            }
        }
        return genome(c);
    }

    /** Node-wise uniform crossover: each node's two (input, op) pairs come together from one parent. */
    @Override
    public Genome crossover(Genome a, Genome b, Random rng) {
        requireValid(a);
        requireValid(b);
        int[] c = a.choices();
        for (int cell = 0; cell < 2; cell++) {
            for (int i = 0; i < nodes; i++) {
                if (rng.nextBoolean()) {
                    for (int slot = 0; slot < 4; slot++) {
                        c[index(cell, i, slot)] = b.choice(index(cell, i, slot));
                    }
                }
            }
        }
        return genome(c);
    }

    @Override
    public String canonical(Genome g) {
        requireValid(g);
        StringBuilder sb = new StringBuilder();
        for (int cell = 0; cell < 2; cell++) {
            if (cell > 0) {
                sb.append(';');
            }
            sb.append(CELLS.get(cell)).append('=');
            for (int i = 0; i < nodes; i++) {
                if (i > 0) {
                    sb.append('|');
                }
                sb.append(ops.get(g.choice(index(cell, i, 1)))).append('~').append(g.choice(index(cell, i, 0)))
                        .append(',')
                        .append(ops.get(g.choice(index(cell, i, 3)))).append('~').append(g.choice(index(cell, i, 2)));
            }
        }
        return sb.toString();
    }

    /**
     * Parses the canonical string; the two pairs of a node may come in either order (they are sorted by input), so
     * DARTS genotype lists translate directly.
     */
    @Override
    public Genome parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty architecture string; expected e.g. " + example());
        }
        String[] cells = s.trim().split(";", -1);
        if (cells.length != 2) {
            throw new IllegalArgumentException("a DARTS architecture has 2 cells separated by ';' (normal=...;reduce=...)"
                    + ", got " + cells.length + " part(s) in '" + s + "'");
        }
        int[] c = new int[decisions().size()];
        for (int cell = 0; cell < 2; cell++) {
            String part = cells[cell].trim();
            String prefix = CELLS.get(cell) + "=";
            if (!part.startsWith(prefix)) {
                throw new IllegalArgumentException("cell " + (cell + 1) + " '" + abbreviate(part) + "' must start with '"
                        + prefix + "' (order: normal=...;reduce=...)");
            }
            String[] nodeParts = part.substring(prefix.length()).split("\\|", -1);
            if (nodeParts.length != nodes) {
                throw new IllegalArgumentException(CELLS.get(cell) + " cell has " + nodeParts.length
                        + " node group(s) separated by '|', space '" + id() + "' needs " + nodes);
            }
            for (int i = 0; i < nodes; i++) {
                String where = CELLS.get(cell) + " node " + i;
                String[] pairs = nodeParts[i].split(",", -1);
                if (pairs.length != 2) {
                    throw new IllegalArgumentException(where + ": '" + nodeParts[i]
                            + "' must be two op~input pairs separated by ',' (e.g. sep_conv_3x3~0,skip_connect~1)");
                }
                int[] in = new int[2];
                int[] op = new int[2];
                for (int p = 0; p < 2; p++) {
                    String[] opAndSrc = pairs[p].trim().split("~", -1);
                    if (opAndSrc.length != 2) {
                        throw new IllegalArgumentException(where + ": '" + pairs[p] + "' must look like op~input");
                    }
                    op[p] = ops.indexOf(opAndSrc[0]);
                    if (op[p] < 0) {
                        String why = opAndSrc[0].equals(Ops.NONE)
                                ? "'none' is only a one-shot mixed-op candidate, never part of a discrete DARTS cell"
                                : "unknown op '" + opAndSrc[0] + "'";
                        throw new IllegalArgumentException(where + ": " + why + "; use one of " + ops);
                    }
                    try {
                        in[p] = Integer.parseInt(opAndSrc[1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + ": input '" + opAndSrc[1]
                                + "' is not a number (0 = c_{k-2}, 1 = c_{k-1}, 2+j = node j)");
                    }
                    if (in[p] < 0 || in[p] > i + 1) {
                        throw new IllegalArgumentException(where + ": input " + in[p] + " out of range 0.." + (i + 1)
                                + " (0 = c_{k-2}, 1 = c_{k-1}, 2+j = earlier node j)");
                    }
                }
                if (in[0] == in[1]) {
                    throw new IllegalArgumentException(where + ": both inputs are " + in[0]
                            + "; the two inputs of a node must be distinct");
                }
                int first = in[0] < in[1] ? 0 : 1;
                c[index(cell, i, 0)] = in[first];
                c[index(cell, i, 1)] = op[first];
                c[index(cell, i, 2)] = in[1 - first];
                c[index(cell, i, 3)] = op[1 - first];
            }
        }
        return genome(c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private String example() {
        List<String> nodesEx = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            nodesEx.add(ops.get(0) + "~0," + ops.get(ops.size() - 1) + "~" + (i + 1));
        }
        String cell = String.join("|", nodesEx);
        return "normal=" + cell + ";reduce=" + cell;
    }

    /**
     * Analytic cost of the DARTS network (docs/SPACES.md, "darts"): stem Conv3×3(in → 3C)+BN; {@link #layers()}
     * cells with preprocessing (ReLU-Conv1×1-BN, FactorizedReduce after a reduction), ops at stride 2 on the two cell
     * inputs of a reduction cell, channels doubled at each reduction; global average pool and
     * Linear(nodes·C_last → classes).
     */
    @Override
    public Cost cost(Genome g, InputShape input) {
        List<List<Node>> cellsOf = List.of(cell(g, false), cell(g, true));
        int cStem = STEM_MULTIPLIER * channels;
        Cost total = Ops.conv(input.channels(), cStem, 3, input.height(), input.width()).plus(Ops.bn(cStem));
        int cpp = cStem;
        int cp = cStem;
        int c = channels;
        boolean reductionPrev = false;
        int h = input.height();
        int w = input.width();
        for (int layer = 0; layer < layers(); layer++) {
            boolean reduction = isReduction(layer);
            if (reduction) {
                c *= 2;
            }
            total = total.plus(reductionPrev ? Ops.factorizedReduce(cpp, c, h, w) : Ops.reluConvBn(cpp, c, 1, h, w));
            total = total.plus(Ops.reluConvBn(cp, c, 1, h, w));
            int ho = reduction ? Ops.down(h) : h;
            int wo = reduction ? Ops.down(w) : w;
            for (Node n : cellsOf.get(reduction ? 1 : 0)) {
                total = total.plus(Ops.cellOp(n.op1(), c, reduction && n.input1() < 2 ? 2 : 1, ho, wo));
                total = total.plus(Ops.cellOp(n.op2(), c, reduction && n.input2() < 2 ? 2 : 1, ho, wo));
            }
            cpp = cp;
            cp = nodes * c;
            reductionPrev = reduction;
            h = ho;
            w = wo;
        }
        return total.plus(Ops.linear(cp, input.classes()));
    }
}
