package dev.nasflow.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.activity.StepListener;
import dev.nasflow.model.AlphaEdge;
import dev.nasflow.model.RankedCandidate;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.Defaults;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.strategy.OneShot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-shot supernet in training: DARTS (mixed ops, first-order bilevel optimisation of weights and α) or SPOS
 * (one uniformly sampled single path per step), over a {@link DartsSpace} ({@link Supernet}).
 *
 * <p>DARTS step (first order): zero every gradient; forward a train-split batch through the mixed supernet in its own
 * {@link ai.djl.training.GradientCollector}, backward, update the <em>weights only</em> with the weight optimizer (the
 * spec's recipe: optimizer, learning rate and cosine schedule over the supernet epochs, batch size); zero every
 * gradient; forward a validation-split batch in a second collector, backward, update <em>α only</em> with its own
 * Adam (β = (0.5, 0.999), {@code alphaLearningRate}, {@code alphaWeightDecay}); zero every gradient. SPOS step: sample
 * a valid genome uniformly, forward / backward that path, update the weights of that path only.
 *
 * <p>Checkpoint, every epoch: {@code <artifacts>/<searchId>/supernet/epoch-N/} with {@code params.bin} (all supernet
 * parameters: weights, BatchNorm statistics, α), {@code weights-optimizer.bin} and {@code alpha-optimizer.bin}
 * ({@link NasOptimizer} states: momentum or Adam moments, step counts) and {@code state.json} (epoch, method, seed,
 * RNG rule, metrics, softmax(α), derived architecture). RNG: epoch e shuffles and samples with
 * {@code new Random(Seeds.epochOrder(seed, e))} and the initial weights come from the engine seed set to the spec seed, so
 * (seed, epoch) is the whole random state. The last two checkpoints are kept; opening resumes from the newest readable.
 *
 * <p>The session coordinates the jobs, each in its own class over the shared {@link SupernetParts}: the steps
 * ({@link SupernetSteps}), evaluation and BatchNorm recalibration ({@link SupernetEvaluator}), DARTS derivation
 * ({@link Derivations}), SPOS ranking ({@link PathRanking}) and checkpoints ({@link SupernetCheckpoints}).
 */
public final class SupernetSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SupernetSession.class);

    private final String searchId;
    private final String method;
    private final DartsSpace space;
    private final long seed;
    private final int totalEpochs;
    private final Model model;
    private final SupernetParts parts;
    private final NasOptimizer weightOptimizer;
    private final NasOptimizer alphaOptimizer;
    private final Batches train;
    private final Batches valid;
    private final SupernetSteps steps;
    private final SupernetEvaluator evaluator;
    private final Derivations derivations;
    private final PathRanking ranking;
    private final SupernetCheckpoints checkpoints;
    private int done;
    private final int resumedFrom;
    private Map<String, Double> lastMetrics = Map.of();
    private boolean closed;

    private SupernetSession(String searchId, SearchSpec spec, Recipe recipe, DataSplits data, DartsSpace space,
                            CheckpointStore store, Path checkpoint) throws IOException, MalformedModelException {
        this.searchId = searchId;
        this.method = spec.strategy().type();
        Map<String, Object> params = OneShot.resolve(method, spec.strategy().params());
        this.space = space;
        InputShape input = data.inputShape();
        this.seed = spec.seed();
        this.totalEpochs = (Integer) params.get("supernetEpochs");
        this.checkpoints = new SupernetCheckpoints(store, searchId, method, space, seed, totalEpochs, recipe, params);
        if (recipe.threads() != null) {
            JniUtils.setNumThreads(recipe.threads());
        }
        Model m = Model.newInstance(searchId + "-supernet", Device.cpu(), "PyTorch");
        Supernet net;
        try {
            Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
            net = new Supernet(space, input, OneShot.DARTS.equals(method));
            m.setBlock(net);
            ObjectNode state = null;
            if (checkpoint != null) {
                state = checkpoints.readState(checkpoint);
                SupernetCheckpoints.loadParameters(checkpoint, net, m.getNDManager());
            }
            net.initialize(m.getNDManager(), DataType.FLOAT32,
                    new Shape(1, input.channels(), input.height(), input.width()));
            weightOptimizer = new NasOptimizer(recipe);
            alphaOptimizer = new NasOptimizer(alphaRecipe(params));
            if (state != null) {
                SupernetCheckpoints.loadOptimizers(checkpoint, net, weightOptimizer, alphaOptimizer,
                        m.getNDManager());
                done = state.path("epoch").asInt();
                lastMetrics = SupernetCheckpoints.metrics(state);
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw e;
        }
        this.model = m;
        this.resumedFrom = done;
        this.parts = new SupernetParts(net, m.getNDManager(), new ParameterStore(m.getNDManager(), false), input,
                recipe);
        float[] mean = data.mean();
        float[] std = data.std();
        double fraction = spec.fidelity().dataFraction() == null ? 1.0 : spec.fidelity().dataFraction();
        ImageData trainData = data.train().fraction(fraction, seed * 31 + 4);
        train = new Batches(trainData, mean, std, recipe.cropPadding(), recipe.horizontalFlip());
        valid = new Batches(data.valid(), mean, std);
        this.steps = new SupernetSteps(parts, weightOptimizer, alphaOptimizer);
        this.evaluator = new SupernetEvaluator(parts, new Batches(trainData, mean, std), valid, seed);
        this.derivations = new Derivations(parts, space);
        this.ranking = new PathRanking(space, evaluator, seed);
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

    /** The network and what its steps share (its manager, parameter store, input shape, recipe). */
    SupernetParts parts() {
        return parts;
    }

    /** The DARTS and SPOS training steps of this supernet, with its optimizers. */
    SupernetSteps steps() {
        return steps;
    }

    /** Validation and single-path evaluation (with BatchNorm recalibration) of this supernet. */
    SupernetEvaluator evaluator() {
        return evaluator;
    }

    /** Trains the next epoch (DARTS or SPOS steps over the whole train split), then evaluates on validation. */
    public Map<String, Double> trainEpoch(StepListener listener) {
        int epoch = done + 1;
        long t0 = System.currentTimeMillis();
        Map<String, Double> m = new LinkedHashMap<>(
                steps.trainEpoch(epoch, totalEpochs, seed, space, train, valid, listener));
        if (parts.net().hasAlpha()) {
            parts.net().path(null);
            double[] v = evaluator.validate(listener);
            m.put("validLoss", v[0]);
            m.put("validAccuracy", v[1]);
        }
        m.put("epochSeconds", (System.currentTimeMillis() - t0) / 1000.0);
        done = epoch;
        lastMetrics = Map.copyOf(m);
        log.info("{} supernet ({}) epoch {}: {}", searchId, method, epoch, m);
        return lastMetrics;
    }

    /** The architecture DARTS derives from the current α ({@link Derivations#discretize}). */
    public Genome derive() {
        return derivations.derive();
    }

    /** softmax(α) of every edge of both cells, with its strongest non-{@code none} op. */
    public List<AlphaEdge> alphaSummary() {
        return derivations.alphaSummary();
    }

    /**
     * Ranks {@code candidates} distinct random architectures (seeded by the spec seed) by validation accuracy with
     * the supernet's inherited weights, each after BatchNorm recalibration on {@code calibrationBatches} train
     * batches ({@link PathRanking}). Best first. Leaves the BatchNorm statistics of the last candidate in the
     * supernet (not checkpointed).
     */
    public List<RankedCandidate> rank(int candidates, int calibrationBatches, StepListener listener) {
        return ranking.rank(candidates, calibrationBatches, listener);
    }

    /** Writes {@code epoch-<done>} atomically (temp dir + move) and prunes all but the last two; returns its path. */
    public String checkpoint() throws IOException {
        return checkpoints.save(done, parts.net(), weightOptimizer, alphaOptimizer, lastMetrics, derivations)
                .toString();
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
