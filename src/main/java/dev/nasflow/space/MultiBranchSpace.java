package dev.nasflow.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A multi-branch (Inception-like) space: a stem, {@code blocks} blocks of {@code paths} parallel paths, each path one
 * op of the cell op library ({@link Ops#CELL_OPS}), the paths merged by {@code add} or {@code concat}; each block
 * chooses its width and merge mode. Head: BN → ReLU → global average pool → Linear.
 *
 * <p>Block b from {@code cin} channels to width {@code w} with stride {@code s}:
 * <ol>
 *   <li>if cin ≠ w: ReLU-Conv1×1(cin→w)-BN(w) at the input resolution (shared by all paths); else identity;</li>
 *   <li>each path: its op on w channels with stride s ({@link Ops#cellOp}: e.g. skip_connect at stride 2 is a
 *       FactorizedReduce, none is zeros);</li>
 *   <li>merge {@code add}: element-wise sum (w channels); {@code concat}: channel concatenation (paths·w) then
 *       ReLU-Conv1×1(paths·w → w)-BN(w).</li>
 * </ol>
 * Stride 2 at blocks floor(j·blocks/stages), j = 1..stages−1. Stem: Conv3×3(in→channels)+BN.
 *
 * <p>Paths are interchangeable (sum and concat-then-1×1 are symmetric up to a permutation the 1×1 conv absorbs), so a
 * genome lists a block's path ops in non-decreasing op index: one genome per architecture. A block whose paths are all
 * {@code none} is invalid (it would cut the network: everything after it sees zeros).
 *
 * <p>Canonical string: blocks separated by {@code |}, each {@code w<width>/<merge>/<op>+<op>+...} with the ops in the
 * order of the space's op list, e.g. {@code w32/add/skip_connect+nor_conv_3x3|w64/concat/...}.
 */
public final class MultiBranchSpace extends AbstractSpace {
    public static final List<String> MERGES = List.of("add", "concat");
    /** Upper bound on paths per block (keeps the per-block multiset count small and exact). */
    public static final int MAX_PATHS = 8;

    private final int blocks;
    private final int paths;
    private final List<String> ops;
    private final List<String> merge;
    private final List<Integer> widths;
    private final int channels;
    private final int stages;
    private final int perBlock;
    private final int noneIndex;
    private final long multisets;

    /** One decoded block. */
    public record Block(int width, String merge, List<String> paths, int stride) {
    }

    public MultiBranchSpace(String id, int blocks, int paths, List<String> ops, List<String> merge,
                            List<Integer> widths, int channels, int stages) {
        super(id, decisionsFor(blocks, paths, ops, merge, widths));
        for (String op : ops) {
            if (!Ops.isCellOp(op)) {
                throw new IllegalArgumentException("unknown op '" + op + "'; known: " + Ops.CELL_OPS);
            }
        }
        for (String m : merge) {
            if (!MERGES.contains(m)) {
                throw new IllegalArgumentException("unknown merge '" + m + "'; known: " + MERGES);
            }
        }
        if (ops.stream().distinct().count() != ops.size() || merge.stream().distinct().count() != merge.size()
                || widths.stream().distinct().count() != widths.size()) {
            throw new IllegalArgumentException("ops, merge and widths must be distinct");
        }
        if (ops.size() == 1 && ops.get(0).equals(Ops.NONE)) {
            throw new IllegalArgumentException("ops must contain an op other than 'none'");
        }
        if (paths > MAX_PATHS) {
            throw new IllegalArgumentException("at most " + MAX_PATHS + " paths per block, got " + paths);
        }
        if (paths < 1 || channels < 1 || stages < 1 || blocks < stages || widths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("need paths, channels, stages, widths >= 1 and blocks >= stages");
        }
        this.blocks = blocks;
        this.paths = paths;
        this.ops = List.copyOf(ops);
        this.merge = List.copyOf(merge);
        this.widths = List.copyOf(widths);
        this.channels = channels;
        this.stages = stages;
        this.perBlock = 2 + paths;
        this.noneIndex = ops.indexOf(Ops.NONE);
        this.multisets = binomial(ops.size() + paths - 1, paths);
    }

    private static List<Decision> decisionsFor(int blocks, int paths, List<String> ops, List<String> merge,
                                               List<Integer> widths) {
        List<String> w = widths.stream().map(String::valueOf).toList();
        List<Decision> d = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            String p = "block" + b + ".";
            d.add(new Decision(p + "width", w));
            d.add(new Decision(p + "merge", merge));
            for (int j = 0; j < paths; j++) {
                d.add(new Decision(p + "path" + j, ops));
            }
        }
        return d;
    }

    static long binomial(int n, int k) {
        long r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }

    public int blocks() {
        return blocks;
    }

    public int paths() {
        return paths;
    }

    public List<String> ops() {
        return ops;
    }

    public List<String> merge() {
        return merge;
    }

    public List<Integer> widths() {
        return widths;
    }

    public int channels() {
        return channels;
    }

    public int stages() {
        return stages;
    }

    /** Stride of block {@code b}: 2 at floor(j·blocks/stages) for j = 1..stages−1, else 1. */
    public int stride(int b) {
        for (int j = 1; j < stages; j++) {
            if ((long) j * blocks / stages == b) {
                return 2;
            }
        }
        return 1;
    }

    /** The decoded blocks of a valid genome. */
    public List<Block> decode(Genome g) {
        requireValid(g);
        List<Block> out = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            int o = b * perBlock;
            List<String> p = new ArrayList<>();
            for (int j = 0; j < paths; j++) {
                p.add(ops.get(g.choice(o + 2 + j)));
            }
            out.add(new Block(widths.get(g.choice(o)), merge.get(g.choice(o + 1)), List.copyOf(p), stride(b)));
        }
        return out;
    }

    @Override
    protected List<String> extraViolations(Genome g) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            int o = b * perBlock + 2;
            boolean allNone = noneIndex >= 0;
            for (int j = 0; j < paths; j++) {
                if (j > 0 && g.choice(o + j) < g.choice(o + j - 1)) {
                    out.add("block " + b + ": path ops must be listed in the order of the space's op list " + ops
                            + " (paths are interchangeable); sort them");
                    break;
                }
            }
            for (int j = 0; j < paths; j++) {
                allNone &= g.choice(o + j) == noneIndex;
            }
            if (allNone) {
                out.add("block " + b + ": every path is 'none', which cuts the network; give a path a real op");
            }
        }
        return out;
    }

    /** Π over blocks of |widths| × |merge| × (multisets of {@code paths} ops, minus the all-none one). */
    @Override
    public BigInteger size() {
        long perPaths = multisets - (noneIndex >= 0 ? 1 : 0);
        return BigInteger.valueOf(widths.size()).multiply(BigInteger.valueOf(merge.size()))
                .multiply(BigInteger.valueOf(perPaths)).pow(blocks);
    }

    /** Uniform over valid genomes: per block a uniform width, merge and sorted path multiset. */
    @Override
    public Genome random(Random rng) {
        int[] c = new int[decisions().size()];
        for (int b = 0; b < blocks; b++) {
            int o = b * perBlock;
            c[o] = rng.nextInt(widths.size());
            c[o + 1] = rng.nextInt(merge.size());
            int[] m;
            do {
                m = unrankMultiset(rng.nextInt((int) multisets));
            } while (noneIndex >= 0 && m[0] == noneIndex && m[paths - 1] == noneIndex);
            System.arraycopy(m, 0, c, o + 2, paths);
        }
        return genome(c);
    }

    /** The r-th non-decreasing sequence of {@code paths} op indices in lexicographic order. */
    private int[] unrankMultiset(long r) {
        int[] out = new int[paths];
        int lo = 0;
        int n = ops.size();
        for (int p = 0; p < paths; p++) {
            int rest = paths - p - 1;
            for (int v = lo; v < n; v++) {
                long count = binomial(n - v + rest - 1, rest);
                if (r < count) {
                    out[p] = v;
                    lo = v;
                    break;
                }
                r -= count;
            }
        }
        return out;
    }

    /** Block-wise uniform crossover: each block (width, merge, paths) comes whole from one parent. */
    @Override
    public Genome crossover(Genome a, Genome b, Random rng) {
        requireValid(a);
        requireValid(b);
        int[] c = a.choices();
        for (int blk = 0; blk < blocks; blk++) {
            if (rng.nextBoolean()) {
                for (int j = 0; j < perBlock; j++) {
                    c[blk * perBlock + j] = b.choice(blk * perBlock + j);
                }
            }
        }
        return genome(c);
    }

    @Override
    public String canonical(Genome g) {
        StringBuilder sb = new StringBuilder();
        for (Block b : decode(g)) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append('w').append(b.width()).append('/').append(b.merge()).append('/')
                    .append(String.join("+", b.paths()));
        }
        return sb.toString();
    }

    /** Parses the canonical string; path ops may come in any order (they are sorted). */
    @Override
    public Genome parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty architecture string; expected e.g. " + example());
        }
        String[] parts = s.trim().split("\\|", -1);
        if (parts.length != blocks) {
            throw new IllegalArgumentException("architecture string has " + parts.length
                    + " block(s) separated by '|', space '" + id() + "' has " + blocks + " (e.g. " + example() + ")");
        }
        int[] c = new int[decisions().size()];
        for (int b = 0; b < blocks; b++) {
            String where = "block " + b;
            String[] f = parts[b].trim().split("/", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException(where + ": '" + parts[b]
                        + "' must look like w<width>/<merge>/<op>+<op>..., e.g. " + blockExample());
            }
            int o = b * perBlock;
            int width;
            try {
                if (!f[0].startsWith("w")) {
                    throw new NumberFormatException();
                }
                width = Integer.parseInt(f[0].substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": width field '" + f[0] + "' must look like w"
                        + widths.get(0));
            }
            c[o] = widths.indexOf(width);
            if (c[o] < 0) {
                throw new IllegalArgumentException(where + ": width " + width + " is not in this space; use one of "
                        + widths);
            }
            c[o + 1] = merge.indexOf(f[1]);
            if (c[o + 1] < 0) {
                throw new IllegalArgumentException(where + ": merge '" + f[1] + "' is not in this space; use one of "
                        + merge);
            }
            String[] p = f[2].split("\\+", -1);
            if (p.length != paths) {
                throw new IllegalArgumentException(where + ": " + p.length + " path op(s) in '" + f[2]
                        + "', the space has " + paths + " paths per block (join them with '+')");
            }
            int[] idx = new int[paths];
            for (int j = 0; j < paths; j++) {
                idx[j] = ops.indexOf(p[j]);
                if (idx[j] < 0) {
                    throw new IllegalArgumentException(where + ": op '" + p[j] + "' is not in this space; use one of "
                            + ops);
                }
            }
            Arrays.sort(idx);
            if (noneIndex >= 0 && idx[0] == noneIndex && idx[paths - 1] == noneIndex) {
                throw new IllegalArgumentException(where + ": every path is 'none', which cuts the network; give a "
                        + "path a real op");
            }
            System.arraycopy(idx, 0, c, o + 2, paths);
        }
        return genome(c);
    }

    private String blockExample() {
        String real = ops.stream().filter(op -> !op.equals(Ops.NONE)).findFirst().orElseThrow();
        List<String> p = new ArrayList<>();
        for (int j = 0; j < paths; j++) {
            p.add(real);
        }
        return "w" + widths.get(0) + "/" + merge.get(0) + "/" + String.join("+", p);
    }

    private String example() {
        return blockExample() + (blocks > 1 ? "|..." : "");
    }

    /**
     * Analytic cost (docs/SPACES.md, "multi-branch"): stem Conv3×3+BN; per block the optional input projection, the
     * path ops ({@link Ops#cellOp} on w channels), the concat projection; BN(w_last) and Linear(w_last → classes).
     */
    @Override
    public Cost cost(Genome g, InputShape input) {
        int h = input.height();
        int w = input.width();
        int cin = channels;
        Cost total = Ops.conv(input.channels(), channels, 3, h, w).plus(Ops.bn(channels));
        for (Block b : decode(g)) {
            int width = b.width();
            if (cin != width) {
                total = total.plus(Ops.reluConvBn(cin, width, 1, h, w));
            }
            int ho = b.stride() == 2 ? Ops.down(h) : h;
            int wo = b.stride() == 2 ? Ops.down(w) : w;
            for (String op : b.paths()) {
                total = total.plus(Ops.cellOp(op, width, b.stride(), ho, wo));
            }
            if (b.merge().equals("concat")) {
                total = total.plus(Ops.reluConvBn(paths * width, width, 1, ho, wo));
            }
            cin = width;
            h = ho;
            w = wo;
        }
        return total.plus(Ops.bn(cin)).plus(Ops.linear(cin, input.classes()));
    }
}
