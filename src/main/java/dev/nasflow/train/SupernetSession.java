package dev.nasflow.train;

import dev.nasflow.spec.Defaults;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.activity.StepListener;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.Ops;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.strategy.OneShot;
import dev.nasflow.model.AlphaEdge;
import dev.nasflow.model.RankedCandidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A one-shot supernet in training: DARTS (mixed ops, first-order bilevel optimisation of weights and α) or SPOS
 * (one uniformly sampled single path per step), over a {@link DartsSpace} ({@link Supernet}).
 *
 * <p>DARTS step (first order): zero every gradient; forward a train-split batch through the mixed supernet in its own
 * {@link GradientCollector}, backward, update the <em>weights only</em> with the weight optimizer (the spec's recipe:
 * optimizer, learning rate and cosine schedule over the supernet epochs, batch size); zero every gradient; forward a
 * validation-split batch in a second collector, backward, update <em>α only</em> with its own Adam (β = (0.5, 0.999),
 * {@code alphaLearningRate}, {@code alphaWeightDecay}); zero every gradient. SPOS step: sample a valid genome
 * uniformly, forward / backward that path, update the weights of that path only.
 *
 * <p>Checkpoint, every epoch: {@code <artifacts>/<searchId>/supernet/epoch-N/} with {@code params.bin} (all supernet
 * parameters: weights, BatchNorm statistics, α), {@code weights-optimizer.bin} and {@code alpha-optimizer.bin}
 * ({@link NasOptimizer} states: momentum or Adam moments, step counts) and {@code state.json} (epoch, method, seed,
 * RNG rule, metrics, softmax(α), derived architecture). RNG: epoch e shuffles and samples with
 * {@code new Random(Seeds.epochOrder(seed, e))} and the initial weights come from the engine seed set to the spec seed, so
 * (seed, epoch) is the whole random state. The last two checkpoints are kept; opening resumes from the newest readable.
 */
public final class SupernetSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SupernetSession.class);
    static final String FORMAT = "nasflow-supernet-checkpoint/1";
    /** DJL BatchNorm momentum of {@link Layers#bn()}: running = 0.9·running + 0.1·batch. */
    private static final double BN_KEEP = 0.9;

    private final String searchId;
    private final SearchSpec spec;
    private final String method;
    private final Map<String, Object> params;
    private final Recipe recipe;
    private final DataSplits data;
    private final DartsSpace space;
    private final InputShape input;
    private final Model model;
    private final Supernet net;
    private final ParameterStore ps;
    private final NasOptimizer weightOptimizer;
    private final NasOptimizer alphaOptimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final Batches train;
    private final Batches trainPlain;
    private final Batches valid;
    private final CheckpointStore checkpoints;
    private final int totalEpochs;
    private final long seed;
    private int done;
    private int resumedFrom;
    private Map<String, Double> lastMetrics = Map.of();
    private boolean closed;

    private SupernetSession(String searchId, SearchSpec spec, Recipe recipe, DataSplits data, DartsSpace space,
                            CheckpointStore checkpoints, Path checkpoint) throws IOException, MalformedModelException {
        this.searchId = searchId;
        this.spec = spec;
        this.method = spec.strategy().type();
        this.params = OneShot.resolve(method, spec.strategy().params());
        this.recipe = recipe;
        this.data = data;
        this.space = space;
        this.checkpoints = checkpoints;
        this.input = data.inputShape();
        this.seed = spec.seed();
        this.totalEpochs = (Integer) params.get("supernetEpochs");
        if (recipe.threads() != null) {
            JniUtils.setNumThreads(recipe.threads());
        }
        Model m = Model.newInstance(searchId + "-supernet", Device.cpu(), "PyTorch");
        try {
            Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
            net = new Supernet(space, input, OneShot.DARTS.equals(method));
            m.setBlock(net);
            ObjectNode state = null;
            if (checkpoint != null) {
                state = readState(checkpoint);
                CheckpointStore.read(checkpoint.resolve("params.bin"), in -> net.loadParameters(m.getNDManager(), in));
            }
            net.initialize(m.getNDManager(), DataType.FLOAT32,
                    new Shape(1, input.channels(), input.height(), input.width()));
            weightOptimizer = new NasOptimizer(recipe);
            alphaOptimizer = new NasOptimizer(alphaRecipe(params));
            if (state != null) {
                loadOptimizer(checkpoint.resolve("weights-optimizer.bin"), weightOptimizer, ids(net.weightParameters()),
                        m.getNDManager());
                if (net.hasAlpha()) {
                    loadOptimizer(checkpoint.resolve("alpha-optimizer.bin"), alphaOptimizer,
                            ids(net.alphaParameters()), m.getNDManager());
                }
                done = state.path("epoch").asInt();
                Map<String, Double> lm = new LinkedHashMap<>();
                state.path("metrics").fields().forEachRemaining(e -> lm.put(e.getKey(), e.getValue().asDouble()));
                lastMetrics = Map.copyOf(lm);
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw e;
        }
        this.model = m;
        this.resumedFrom = done;
        this.ps = new ParameterStore(m.getNDManager(), false);
        float[] mean = data.mean();
        float[] std = data.std();
        double fraction = spec.fidelity().dataFraction() == null ? 1.0 : spec.fidelity().dataFraction();
        ImageData trainData = data.train().fraction(fraction, seed * 31 + 4);
        train = new Batches(trainData, mean, std, recipe.cropPadding(), recipe.horizontalFlip());
        trainPlain = new Batches(trainData, mean, std);
        valid = new Batches(data.valid(), mean, std);
    }

    /** The α optimizer of DARTS: Adam, β1 0.5, β2 0.999, constant learning rate. */
    static Recipe alphaRecipe(Map<String, Object> params) {
        Object lr = params.get("alphaLearningRate");
        Object wd = params.get("alphaWeightDecay");
        return new Recipe("darts-alpha", "adam", lr == null ? 3e-4 : ((Number) lr).doubleValue(), 0.0, null, 0.5,
                0.999, 1e-8, wd == null ? 1e-3 : ((Number) wd).doubleValue(), "constant", 0.0, null, null, null,
                null, null, null, null, null, null).withDefaults("idx");
    }

    /**
     * Opens the supernet of search {@code searchId}: from the newest readable checkpoint in its directory, else a
     * fresh one (weights from the spec seed).
     */
    public static SupernetSession open(String searchId, SearchSpec specIn, PathPolicy paths) throws IOException {
        SearchSpec spec = Defaults.apply(specIn);
        if (spec.strategy() == null || !OneShot.isOneShot(spec.strategy().type())) {
            throw new NonRetryableTrainingException("strategy.type must be one of " + OneShot.paramDefs().keySet()
                    + " for a supernet, got " + (spec.strategy() == null ? "none" : spec.strategy().type()));
        }
        if (spec.data() == null) {
            throw new NonRetryableTrainingException("data: missing; a supernet trains on real data (fix: add "
                    + "\"data\": {\"format\": \"idx\", \"path\": \"activities/data/fashion-mnist-small\"})");
        }
        SearchSpace base = Spaces.create(spec.space());
        if (!(base instanceof DartsSpace)) {
            throw new NonRetryableTrainingException("space.type '" + spec.space().type() + "': the one-shot "
                    + "supernet is built over a darts space (fix: set space.type to \"darts\")");
        }
        double width = spec.fidelity().widthMultiplier() == null ? 1.0 : spec.fidelity().widthMultiplier();
        DartsSpace space = (DartsSpace) ScaledSpaces.scale(base, width);
        Recipe recipe = Recipe.load(spec.trainer().recipe(), spec.data().format(), paths);
        DataSplits data = Datasets.load(spec, paths);
        CheckpointStore store = new CheckpointStore(supernetDir(spec, searchId, paths), "supernet checkpoint");
        for (Path ckpt : store.newestFirst()) {
            try {
                SupernetSession s = new SupernetSession(searchId, spec, recipe, data, space, store, ckpt);
                log.info("{}: supernet resumed from {} (epoch {})", searchId, ckpt, s.done);
                return s;
            } catch (IOException | MalformedModelException | RuntimeException e) {
                log.warn("{}: supernet checkpoint {} unreadable ({}); trying an older one", searchId, ckpt,
                        e.toString());
            }
        }
        try {
            return new SupernetSession(searchId, spec, recipe, data, space, store, null);
        } catch (MalformedModelException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code <artifacts>/<searchId>/supernet}. */
    public static Path supernetDir(SearchSpec spec, String searchId, PathPolicy paths) {
        Path root;
        try {
            root = paths.resolveArtifacts("artifacts", spec.artifacts());
        } catch (IllegalArgumentException e) {
            throw new NonRetryableTrainingException(e.getMessage(), e);
        }
        String safe = searchId == null ? "unnamed" : searchId.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.chars().allMatch(c -> c == '.')) {
            safe = "_" + safe;
        }
        return root.resolve(safe).resolve("supernet");
    }

    public int epochsDone() {
        return done;
    }

    /** The checkpoint epoch this session was opened from (0: fresh). */
    public int resumedFrom() {
        return resumedFrom;
    }

    public int totalEpochs() {
        return totalEpochs;
    }

    public String method() {
        return method;
    }

    public Map<String, Double> lastMetrics() {
        return lastMetrics;
    }

    DartsSpace space() {
        return space;
    }

    Supernet net() {
        return net;
    }

    /** Arrays owned by the supernet's manager (tests: the count stays flat across steps). */
    int managedArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    /** Trains the next epoch (DARTS or SPOS steps over the whole train split), then evaluates on validation. */
    public Map<String, Double> trainEpoch(StepListener steps) {
        int epoch = done + 1;
        long t0 = System.currentTimeMillis();
        Random rng = new Random(dev.nasflow.model.Seeds.epochOrder(seed, epoch));
        int n = train.data().size();
        int[] order = permutation(n, rng);
        int[] vorder = permutation(valid.data().size(), rng);
        int bs = Math.min(recipe.batchSize(), n);
        int batches = n / bs; // full batches only: BatchNorm needs more than one image, α steps see equal batches
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        boolean darts = net.hasAlpha();
        for (int b = 0; b < batches; b++) {
            double lr = recipe.learningRateAt(epoch - 1 + (double) b / batches, totalEpochs);
            int from = b * bs;
            float[] x = train.images(order, from, from + bs, rng);
            float[] y = train.labels(order, from, from + bs);
            double[] r;
            if (darts) {
                r = stepWeights(x, y, bs, lr, null);
                int vf = (b * bs) % Math.max(1, vorder.length - bs + 1);
                int vt = Math.min(vorder.length, vf + bs);
                stepAlpha(valid.images(vorder, vf, vt, null), valid.labels(vorder, vf, vt), vt - vf);
            } else {
                Genome path = space.random(rng);
                r = stepWeights(x, y, bs, lr, path);
            }
            if (!Double.isFinite(r[0])) {
                throw new NonRetryableTrainingException("supernet loss is not finite at epoch " + epoch + " step "
                        + b + " (fix: lower the recipe's learningRate or alphaLearningRate)");
            }
            lossSum += r[0] * bs;
            correct += (long) r[1];
            seen += bs;
            steps.onStep();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trainLoss", lossSum / Math.max(1, seen));
        m.put("trainAccuracy", 100.0 * correct / Math.max(1, seen));
        if (darts) {
            net.path(null);
            double[] v = evaluate(valid, steps);
            m.put("validLoss", v[0]);
            m.put("validAccuracy", v[1]);
        }
        m.put("epochSeconds", (System.currentTimeMillis() - t0) / 1000.0);
        done = epoch;
        lastMetrics = Map.copyOf(m);
        log.info("{} supernet ({}) epoch {}: {}", searchId, method, epoch, m);
        return lastMetrics;
    }

    /**
     * One weight step on a batch: the mixed supernet ({@code path} null) or the single path {@code path}; only the
     * weights (DARTS: all but α; SPOS: those of the path) are updated. Returns {loss, correct}.
     */
    double[] stepWeights(float[] x, float[] y, int n, double lr, Genome path) {
        TrainLock.LOCK.lock();
        try (NDManager batch = model.getNDManager().newSubManager()) {
            net.path(path);
            List<Parameter> update = path == null ? net.weightParameters() : net.pathParameters(path);
            List<Parameter> touched = path == null ? allTrainable() : update;
            zeroGradients(touched);
            double[] r = forwardBackward(batch, x, y, n);
            if (Double.isFinite(r[0])) {
                weightOptimizer.setLearningRate(lr);
                weightOptimizer.beginStep();
                apply(weightOptimizer, update);
            }
            zeroGradients(touched);
            return r;
        } finally {
            net.path(null);
            TrainLock.LOCK.unlock();
        }
    }

    /** One α step of DARTS on a (validation) batch: only α_normal and α_reduce are updated. Returns {loss, correct}. */
    double[] stepAlpha(float[] x, float[] y, int n) {
        TrainLock.LOCK.lock();
        try (NDManager batch = model.getNDManager().newSubManager()) {
            net.path(null);
            List<Parameter> all = allTrainable();
            zeroGradients(all);
            double[] r = forwardBackward(batch, x, y, n);
            if (Double.isFinite(r[0])) {
                alphaOptimizer.beginStep();
                apply(alphaOptimizer, net.alphaParameters());
            }
            zeroGradients(all);
            return r;
        } finally {
            TrainLock.LOCK.unlock();
        }
    }

    private double[] forwardBackward(NDManager batch, float[] x, float[] y, int n) {
        NDArray xs = batch.create(x, new Shape(n, input.channels(), input.height(), input.width()));
        NDArray ys = batch.create(y, new Shape(n));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = net.forward(ps, new NDList(xs), true).singletonOrThrow();
            NDArray l = loss.evaluate(new NDList(ys), new NDList(logits));
            gc.backward(l);
            double lv = l.getFloat();
            long correct = logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
            return new double[] {lv, correct};
        }
    }

    private List<Parameter> allTrainable() {
        List<Parameter> out = new ArrayList<>(net.weightParameters());
        out.addAll(net.alphaParameters());
        return out;
    }

    private static void apply(NasOptimizer opt, List<Parameter> ps) {
        for (Parameter p : ps) {
            NDArray w = p.getArray();
            NDArray g = w.getGradient();
            opt.update(p.getId(), w, g);
            g.close();
        }
    }

    private static void zeroGradients(List<Parameter> ps) {
        for (Parameter p : ps) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                NDArray g = w.getGradient();
                g.subi(g);
                g.close();
            }
        }
    }

    /** Mean loss and accuracy (percent) of the supernet (current mode) in inference mode over {@code data}. */
    private double[] evaluate(Batches d, StepListener steps) {
        int n = d.data().size();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int bs = recipe.evalBatchSize();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            float[] x = d.images(order, from, to, null);
            float[] y = d.labels(order, from, to);
            boolean grad = JniUtils.isGradMode();
            TrainLock.LOCK.lock();
            try (NDManager batch = model.getNDManager().newSubManager()) {
                JniUtils.setGradMode(false);
                NDArray xs = batch.create(x, new Shape(to - from, input.channels(), input.height(), input.width()));
                NDArray ys = batch.create(y, new Shape(to - from));
                NDArray logits = net.forward(ps, new NDList(xs), false).singletonOrThrow();
                lossSum += loss.evaluate(new NDList(ys), new NDList(logits)).getFloat() * (to - from);
                correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
            } finally {
                JniUtils.setGradMode(grad);
                TrainLock.LOCK.unlock();
            }
            steps.onStep();
        }
        return new double[] {lossSum / Math.max(1, n), 100.0 * correct / Math.max(1, n)};
    }

    // ---- DARTS: α and discretization

    /** softmax(α) of the normal ({@code reduce} false) or reduction cell: [edge][op]. */
    float[][] alphaWeights(boolean reduce) {
        if (!net.hasAlpha()) {
            throw new IllegalStateException("an SPOS supernet has no α");
        }
        NDArray a = (reduce ? net.alphaReduce() : net.alphaNormal()).getArray();
        try (NDManager tmp = model.getNDManager().newSubManager()) {
            NDArray s = a.softmax(1);
            s.attach(tmp);
            float[] flat = s.toFloatArray();
            int ops = net.ops().size();
            float[][] out = new float[net.edges()][ops];
            for (int e = 0; e < out.length; e++) {
                System.arraycopy(flat, e * ops, out[e], 0, ops);
            }
            return out;
        }
    }

    /** The raw α values (normal then reduce, row-major), for tests that check α moves. */
    float[] alphaRaw() {
        float[] n = net.alphaNormal().getArray().toFloatArray();
        float[] r = net.alphaReduce().getArray().toFloatArray();
        float[] out = Arrays.copyOf(n, n.length + r.length);
        System.arraycopy(r, 0, out, n.length, r.length);
        return out;
    }

    /** The architecture DARTS derives from the current α ({@link #discretize}). */
    public Genome derive() {
        return discretize(space, net.ops(), alphaWeights(false), alphaWeights(true));
    }

    /**
     * DARTS discretization: per intermediate node, every incoming edge is scored by its strongest op other than
     * {@code none}; the two best-scored edges are kept (ties: the earlier input), each with that op.
     *
     * @param ops     the mixed-op list the weights are over ({@link DartsSpace#mixedOps()})
     * @param normal  softmax(α_normal) [edge][op]
     * @param reduce  softmax(α_reduce) [edge][op]
     */
    static Genome discretize(DartsSpace space, List<String> ops, float[][] normal, float[][] reduce) {
        StringBuilder sb = new StringBuilder();
        for (int cell = 0; cell < 2; cell++) {
            float[][] w = cell == 0 ? normal : reduce;
            sb.append(cell == 0 ? "normal=" : ";reduce=");
            for (int i = 0; i < space.nodes(); i++) {
                int inputs = i + 2;
                int[] bestOp = new int[inputs];
                double[] strength = new double[inputs];
                for (int j = 0; j < inputs; j++) {
                    float[] row = w[Supernet.edgeIndex(i, j)];
                    bestOp[j] = -1;
                    strength[j] = Double.NEGATIVE_INFINITY;
                    for (int o = 0; o < row.length; o++) {
                        if (!Ops.NONE.equals(ops.get(o)) && row[o] > strength[j]) {
                            strength[j] = row[o];
                            bestOp[j] = o;
                        }
                    }
                }
                Integer[] byStrength = new Integer[inputs];
                for (int j = 0; j < inputs; j++) {
                    byStrength[j] = j;
                }
                Arrays.sort(byStrength, (a, b) -> strength[a] != strength[b] ? Double.compare(strength[b], strength[a])
                        : Integer.compare(a, b));
                int a = Math.min(byStrength[0], byStrength[1]);
                int b = Math.max(byStrength[0], byStrength[1]);
                if (i > 0) {
                    sb.append('|');
                }
                sb.append(ops.get(bestOp[a])).append('~').append(a).append(',')
                        .append(ops.get(bestOp[b])).append('~').append(b);
            }
        }
        return space.parse(sb.toString());
    }

    /** softmax(α) of every edge of both cells, with its strongest non-{@code none} op. */
    public List<AlphaEdge> alphaSummary() {
        List<AlphaEdge> out = new ArrayList<>();
        for (int cell = 0; cell < 2; cell++) {
            float[][] w = alphaWeights(cell == 1);
            for (int i = 0; i < space.nodes(); i++) {
                for (int j = 0; j < i + 2; j++) {
                    float[] row = w[Supernet.edgeIndex(i, j)];
                    Map<String, Double> m = new LinkedHashMap<>();
                    String best = null;
                    double bw = Double.NEGATIVE_INFINITY;
                    for (int o = 0; o < row.length; o++) {
                        double v = Math.round(row[o] * 1e6) / 1e6;
                        m.put(net.ops().get(o), v);
                        if (!Ops.NONE.equals(net.ops().get(o)) && row[o] > bw) {
                            bw = row[o];
                            best = net.ops().get(o);
                        }
                    }
                    out.add(new AlphaEdge(DartsSpace.CELLS.get(cell), i, j, m, best, Math.round(bw * 1e6) / 1e6));
                }
            }
        }
        return out;
    }

    // ---- SPOS: ranking with inherited weights

    /**
     * Ranks {@code candidates} distinct random architectures (seeded by the spec seed) by validation accuracy with
     * the supernet's inherited weights. Before each evaluation the BatchNorm statistics are recalibrated for that
     * path: reset to zero, {@code calibrationBatches} train batches forwarded in training mode (no gradient), and the
     * exponential average divided by 1 − 0.9^k, which makes it the (weighted) mean of those batches' statistics.
     * Best first. Leaves the BatchNorm statistics of the last candidate in the supernet (not checkpointed).
     */
    public List<RankedCandidate> rank(int candidates, int calibrationBatches, StepListener steps) {
        Random rng = new Random(seed * 7_919L + 17);
        Set<Genome> seen = new HashSet<>();
        List<Genome> pool = new ArrayList<>();
        int tries = 0;
        while (pool.size() < candidates && tries++ < candidates * 20) {
            Genome g = space.random(rng);
            if (seen.add(g)) {
                pool.add(g);
            }
        }
        List<RankedCandidate> out = new ArrayList<>();
        for (Genome g : pool) {
            double[] v = evaluatePath(g, calibrationBatches, steps);
            out.add(new RankedCandidate(g, space.canonical(g), v[1], v[0]));
        }
        out.sort(Comparator.comparingDouble(RankedCandidate::validAccuracy).reversed()
                .thenComparingDouble(RankedCandidate::validLoss));
        return out;
    }

    /** Validation {loss, accuracy} of single path {@code g} after BatchNorm recalibration on train batches. */
    double[] evaluatePath(Genome g, int calibrationBatches, StepListener steps) {
        net.path(g);
        try {
            recalibrate(calibrationBatches, new Random(seed * 31L + Arrays.hashCode(g.choices())), steps);
            return evaluate(valid, steps);
        } finally {
            net.path(null);
        }
    }

    private void recalibrate(int batches, Random rng, StepListener steps) {
        List<NDArray> stats = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter.Type t = p.getValue().getType();
            if (t == Parameter.Type.RUNNING_MEAN || t == Parameter.Type.RUNNING_VAR) {
                stats.add(p.getValue().getArray());
            }
        }
        for (NDArray s : stats) {
            s.subi(s);
        }
        int n = trainPlain.data().size();
        int bs = Math.min(recipe.batchSize(), n);
        int[] order = permutation(n, rng);
        int k = 0;
        boolean grad = JniUtils.isGradMode();
        for (int b = 0; b < batches && (b + 1) * bs <= n; b++, k++) {
            float[] x = trainPlain.images(order, b * bs, (b + 1) * bs, null);
            TrainLock.LOCK.lock();
            try (NDManager batch = model.getNDManager().newSubManager()) {
                JniUtils.setGradMode(false);
                NDArray xs = batch.create(x, new Shape(bs, input.channels(), input.height(), input.width()));
                net.forward(ps, new NDList(xs), true);
            } finally {
                JniUtils.setGradMode(grad);
                TrainLock.LOCK.unlock();
            }
            steps.onStep();
        }
        float correction = (float) (1.0 - Math.pow(BN_KEEP, Math.max(1, k)));
        for (NDArray s : stats) {
            s.divi(correction);
        }
    }

    private static int[] permutation(int n, Random rng) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    // ---- checkpoints

    private static List<String> ids(List<Parameter> ps) {
        List<String> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(p.getId());
        }
        return out;
    }

    private static void loadOptimizer(Path file, NasOptimizer opt, List<String> ids, NDManager manager)
            throws IOException, MalformedModelException {
        CheckpointStore.read(file, in -> opt.load(in, ids, manager));
    }

    /** Writes {@code epoch-<done>} atomically (temp dir + move) and prunes all but the last two; returns its path. */
    public String checkpoint() throws IOException {
        return checkpoints.save(done, 2, tmp -> {
            CheckpointStore.write(tmp.resolve("params.bin"), net::saveParameters);
            CheckpointStore.write(tmp.resolve("weights-optimizer.bin"),
                    out -> weightOptimizer.save(out, ids(net.weightParameters())));
            if (net.hasAlpha()) {
                CheckpointStore.write(tmp.resolve("alpha-optimizer.bin"),
                        out -> alphaOptimizer.save(out, ids(net.alphaParameters())));
            }
            CheckpointStore.writeState(tmp, state());
        }).toString();
    }

    private ObjectNode state() {
        ObjectNode state = CheckpointStore.JSON.createObjectNode();
        state.put("format", FORMAT);
        state.put("method", method);
        state.put("epoch", done);
        state.put("supernetEpochs", totalEpochs);
        state.put("searchId", searchId);
        state.put("space", space.id());
        state.put("seed", seed);
        state.put("rng", "epoch e shuffles and samples with new java.util.Random(seed * 1000003 + e); weights "
                + "initialized after Engine.setRandomSeed(seed)");
        state.put("weightSteps", weightOptimizer.steps());
        state.put("alphaSteps", alphaOptimizer.steps());
        state.putPOJO("recipe", recipe);
        state.putPOJO("params", params);
        state.putPOJO("metrics", lastMetrics);
        if (net.hasAlpha()) {
            state.put("derived", space.canonical(derive()));
            state.putPOJO("alpha", alphaSummary());
        }
        return state;
    }

    private ObjectNode readState(Path ckpt) throws IOException {
        JsonNode s = CheckpointStore.readState(ckpt);
        if (!(s instanceof ObjectNode o) || !FORMAT.equals(s.path("format").asText())
                || s.path("epoch").asInt(-1) < 1 || !method.equals(s.path("method").asText())
                || !space.id().equals(s.path("space").asText()) || s.path("seed").asLong() != seed) {
            throw new IOException("checkpoint " + ckpt + " is for another supernet (method, space or seed differ) or"
                    + " is corrupt");
        }
        return o;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
    }
}
