package dev.nasflow.train;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.ChainSpace;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.MultiBranchSpace;
import dev.nasflow.space.SearchSpace;

/**
 * Genome → DJL {@link Block} for every space family, mirroring the macro skeletons of docs/SPACES.md module for
 * module, so that the built network's trainable parameter count equals {@code space.cost(genome, input).params()}
 * (tested per space). The block takes NCHW float input and returns (N, classes) logits.
 */
public final class ModelBuilder {
    private ModelBuilder() {
    }

    /** The network of {@code genome} (a valid member of {@code space}) for {@code input}. Uninitialized. */
    public static Block build(SearchSpace space, Genome genome, InputShape input) {
        if (!space.isValid(genome)) {
            throw new IllegalArgumentException("genome " + genome + " is not valid in space " + space.id() + ": "
                    + space.violations(genome));
        }
        if (space instanceof CellSpace cs) {
            return cell(cs, genome, input);
        }
        if (space instanceof DartsSpace ds) {
            return new DartsNet(ds, genome, input, ds.channels());
        }
        if (space instanceof ChainSpace ch) {
            return chain(ch, genome, input);
        }
        if (space instanceof MultiBranchSpace mb) {
            return multiBranch(mb, genome, input);
        }
        throw new IllegalArgumentException("no DJL model builder for space " + space.id() + " ("
                + space.getClass().getSimpleName() + ")");
    }

    /** NB201 family: stem, stages of cells with ResNet reduction blocks between, BN-ReLU-GAP-Linear head. */
    private static Block cell(CellSpace space, Genome g, InputShape input) {
        int c = space.initChannels();
        SequentialBlock net = new SequentialBlock().add(Layers.conv(c, 3, 1)).add(Layers.bn());
        for (int s = 0; s < space.stages(); s++) {
            if (s > 0) {
                int out = 2 * c;
                net.add(resnetReduction(out));
                c = out;
            }
            for (int n = 0; n < space.cellsPerStage(); n++) {
                net.add(new Nb201Cell(space, g, c));
            }
        }
        return net.add(Layers.bn()).add(Layers.relu()).add(Layers.globalAvgPool()).add(Layers.linear(input.classes()));
    }

    /**
     * NB201's ResNet basic block with stride 2: [ReLU-Conv3×3 s2-BN] → [ReLU-Conv3×3-BN], plus the shortcut
     * AvgPool2×2 (s2, ceil_mode) → Conv1×1 (no BN).
     */
    private static Block resnetReduction(int cout) {
        SequentialBlock body = new SequentialBlock()
                .add(Layers.reluConvBn(cout, 3, 2))
                .add(Layers.reluConvBn(cout, 3, 1));
        SequentialBlock shortcut = new SequentialBlock()
                .add(Layers.avgPool2Ceil())
                .add(Layers.conv(cout, 1, 1));
        return new Branches(false).add(body).add(shortcut);
    }

    /** Chain: stem Conv3×3-BN-ReLU, layers (conv / sepconv / mbconvE, optional residual), GAP-Linear head. */
    private static Block chain(ChainSpace space, Genome g, InputShape input) {
        int c = space.channels();
        SequentialBlock net = new SequentialBlock().add(Layers.conv(c, 3, 1)).add(Layers.bn()).add(Layers.relu());
        for (ChainSpace.Layer l : space.decode(g)) {
            Block body = chainBody(l, c);
            if (l.skip()) {
                Block shortcut = c == l.width() && l.stride() == 1 ? new Identity()
                        : new SequentialBlock().add(Layers.conv(l.width(), 1, l.stride())).add(Layers.bn());
                net.add(new Branches(false).add(body).add(shortcut));
            } else {
                net.add(body);
            }
            c = l.width();
        }
        return net.add(Layers.globalAvgPool()).add(Layers.linear(input.classes()));
    }

    private static Block chainBody(ChainSpace.Layer l, int c) {
        int k = l.kernel();
        int s = l.stride();
        int w = l.width();
        return switch (l.op()) {
            case "conv" -> new SequentialBlock().add(Layers.conv(w, k, s)).add(Layers.bn())
                    .add(Layers.activation(l.activation()));
            case "sepconv" -> new SequentialBlock()
                    .add(Layers.conv(c, k, s, c, 1)).add(Layers.bn()).add(Layers.activation(l.activation()))
                    .add(Layers.conv(w, 1, 1)).add(Layers.bn()).add(Layers.activation(l.activation()));
            case "mbconv3", "mbconv6" -> {
                int e = (l.op().equals("mbconv3") ? 3 : 6) * c;
                yield new SequentialBlock()
                        .add(Layers.conv(e, 1, 1)).add(Layers.bn()).add(Layers.activation(l.activation()))
                        .add(Layers.conv(e, k, s, e, 1)).add(Layers.bn()).add(Layers.activation(l.activation()))
                        .add(Layers.conv(w, 1, 1)).add(Layers.bn());
            }
            default -> throw new IllegalArgumentException("unknown chain op '" + l.op() + "'");
        };
    }

    /** Multi-branch: stem Conv3×3-BN, blocks of parallel cell ops merged by add or concat(+1×1), BN-ReLU-GAP-Linear. */
    private static Block multiBranch(MultiBranchSpace space, Genome g, InputShape input) {
        int c = space.channels();
        SequentialBlock net = new SequentialBlock().add(Layers.conv(c, 3, 1)).add(Layers.bn());
        for (MultiBranchSpace.Block b : space.decode(g)) {
            int w = b.width();
            if (c != w) {
                net.add(Layers.reluConvBn(w, 1, 1));
            }
            boolean concat = b.merge().equals("concat");
            Branches paths = new Branches(concat);
            for (String op : b.paths()) {
                paths.add(Layers.cellOp(op, w, b.stride()));
            }
            net.add(paths);
            if (concat) {
                net.add(Layers.reluConvBn(w, 1, 1));
            }
            c = w;
        }
        return net.add(Layers.bn()).add(Layers.relu()).add(Layers.globalAvgPool()).add(Layers.linear(input.classes()));
    }

    /** Trainable parameters of an initialized block (gradient-requiring parameters, summed sizes). */
    public static long trainableParams(Block block) {
        long n = 0;
        for (var p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }
}
