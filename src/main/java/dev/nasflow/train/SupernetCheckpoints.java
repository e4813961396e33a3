package dev.nasflow.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.space.DartsSpace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints of one supernet in its {@link CheckpointStore} ({@code <artifacts>/<searchId>/supernet/epoch-N}, the
 * last two kept): {@code params.bin} (all supernet parameters: weights, BatchNorm statistics, α),
 * {@code weights-optimizer.bin} and, with α, {@code alpha-optimizer.bin} ({@link NasOptimizer} states) and
 * {@code state.json} (format, method, epoch, seed, RNG rule, recipe, params, metrics; with α the derived architecture
 * and softmax(α)). A checkpoint is only read back by the supernet it belongs to: same method, space and seed.
 */
final class SupernetCheckpoints {
    static final String FORMAT = "nasflow-supernet-checkpoint/1";
    private static final int KEEP = 2;

    private final CheckpointStore store;
    private final String searchId;
    private final String method;
    private final DartsSpace space;
    private final long seed;
    private final int totalEpochs;
    private final Recipe recipe;
    private final Map<String, Object> params;

    SupernetCheckpoints(CheckpointStore store, String searchId, String method, DartsSpace space, long seed,
                        int totalEpochs, Recipe recipe, Map<String, Object> params) {
        this.store = store;
        this.searchId = searchId;
        this.method = method;
        this.space = space;
        this.seed = seed;
        this.totalEpochs = totalEpochs;
        this.recipe = recipe;
        this.params = params;
    }

    /** The {@code state.json} of {@code ckpt}, checked to be a checkpoint of this supernet. */
    ObjectNode readState(Path ckpt) throws IOException {
        JsonNode s = CheckpointStore.readState(ckpt);
        if (!(s instanceof ObjectNode o) || !FORMAT.equals(s.path("format").asText())
                || s.path("epoch").asInt(-1) < 1 || !method.equals(s.path("method").asText())
                || !space.id().equals(s.path("space").asText()) || s.path("seed").asLong() != seed) {
            throw new IOException("checkpoint " + ckpt + " is for another supernet (method, space or seed differ) or"
                    + " is corrupt");
        }
        return o;
    }

    /** The metrics a checkpoint's state records. */
    static Map<String, Double> metrics(ObjectNode state) {
        Map<String, Double> lm = new LinkedHashMap<>();
        state.path("metrics").fields().forEachRemaining(e -> lm.put(e.getKey(), e.getValue().asDouble()));
        return Map.copyOf(lm);
    }

    /** Loads the supernet's parameters from {@code ckpt} (before it is initialized). */
    static void loadParameters(Path ckpt, Supernet net, NDManager manager) throws IOException,
            MalformedModelException {
        CheckpointStore.read(ckpt.resolve("params.bin"), in -> net.loadParameters(manager, in));
    }

    /** Loads the optimizer states from {@code ckpt}: the weights' and, when the supernet has α, α's. */
    static void loadOptimizers(Path ckpt, Supernet net, NasOptimizer weights, NasOptimizer alpha, NDManager manager)
            throws IOException, MalformedModelException {
        List<String> w = ids(net.weightParameters());
        CheckpointStore.read(ckpt.resolve("weights-optimizer.bin"), in -> weights.load(in, w, manager));
        if (net.hasAlpha()) {
            List<String> a = ids(net.alphaParameters());
            CheckpointStore.read(ckpt.resolve("alpha-optimizer.bin"), in -> alpha.load(in, a, manager));
        }
    }

    /** Writes {@code epoch-<epoch>} atomically and prunes all but the last two; returns its path. */
    Path save(int epoch, Supernet net, NasOptimizer weights, NasOptimizer alpha, Map<String, Double> metrics,
              Derivations derivations) throws IOException {
        return store.save(epoch, KEEP, tmp -> {
            CheckpointStore.write(tmp.resolve("params.bin"), net::saveParameters);
            CheckpointStore.write(tmp.resolve("weights-optimizer.bin"),
                    out -> weights.save(out, ids(net.weightParameters())));
            if (net.hasAlpha()) {
                CheckpointStore.write(tmp.resolve("alpha-optimizer.bin"),
                        out -> alpha.save(out, ids(net.alphaParameters())));
            }
            ObjectNode state = CheckpointStore.JSON.createObjectNode();
            state.put("format", FORMAT);
            state.put("method", method);
            state.put("epoch", epoch);
            state.put("supernetEpochs", totalEpochs);
            state.put("searchId", searchId);
            state.put("space", space.id());
            state.put("seed", seed);
            state.put("rng", "epoch e shuffles and samples with new java.util.Random(seed * 1000003 + e); weights "
                    + "initialized after Engine.setRandomSeed(seed)");
            state.put("weightSteps", weights.steps());
            state.put("alphaSteps", alpha.steps());
            state.putPOJO("recipe", recipe);
            state.putPOJO("params", params);
            state.putPOJO("metrics", metrics);
            if (net.hasAlpha()) {
                state.put("derived", space.canonical(derivations.derive()));
                state.putPOJO("alpha", derivations.alphaSummary());
            }
            CheckpointStore.writeState(tmp, state);
        });
    }

    private static List<String> ids(List<Parameter> ps) {
        List<String> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(p.getId());
        }
        return out;
    }
}
