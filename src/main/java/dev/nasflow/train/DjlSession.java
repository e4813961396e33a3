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
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.StepListener;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.space.Cost;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.CandidateTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One candidate's DJL training. Memory discipline: every batch's arrays live in an {@link NDManager} sub-manager
 * closed after the step; the model, its optimizer state and everything else are closed with the session.
 *
 * <p>Checkpoint ({@link #checkpoint()}): directory {@code <artifacts>/<searchId>/<candidateId>/epoch-N} with
 * {@code params.bin} ({@link Block#saveParameters}: weights, BatchNorm γ/β and running statistics),
 * {@code optimizer.bin} ({@link NasOptimizer#save}: momentum / Adam moments and the step count) and
 * {@code state.json} (epoch, seeds, metrics, architecture, normalization). RNG state: the data order and augmentation
 * of epoch e come from {@code new Random(Seeds.epochOrder(seed, e))} and the weights' initialization from the engine seed
 * set to the candidate seed before building, so (seed, epoch) is the whole random state — resuming after epoch N
 * replays epoch N+1 exactly as an uninterrupted run would (up to floating-point non-determinism of the kernels). The
 * last two checkpoints are kept ({@link CheckpointStore}).
 */
public final class DjlSession implements TrainingSession {
    private static final Logger log = LoggerFactory.getLogger(DjlSession.class);
    /** Checkpoints kept: the newest and the one before it. */
    private static final int KEEP = 2;

    private final CandidateTask task;
    private final SearchSpec spec;
    private final Recipe recipe;
    private final DataSplits data;
    private final SearchSpace space;
    private final Genome genome;
    private final InputShape input;
    private final Model model;
    private final Trainer trainer;
    private final NasOptimizer optimizer;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final Batches train;
    private final Batches valid;
    private final Batches test;
    private final int trainSize;
    private final int scheduleEpochs;
    private final CheckpointStore checkpoints;
    private int done;
    private Map<String, Double> lastMetrics = Map.of();
    private Map<String, Double> staticMetrics;
    private boolean closed;

    private DjlSession(CandidateTask task, SearchSpec spec, Recipe recipe, DataSplits data, SearchSpace space,
                       Genome genome, CheckpointStore checkpoints, Path checkpoint)
            throws IOException, MalformedModelException {
        this.task = task;
        this.spec = spec;
        this.recipe = recipe;
        this.data = data;
        this.space = space;
        this.genome = genome;
        this.checkpoints = checkpoints;
        this.input = data.inputShape();
        Device device = device(spec.trainer().device());
        if (recipe.threads() != null) {
            JniUtils.setNumThreads(recipe.threads());
        }
        Model m = Model.newInstance(task.candidateId(), device, "PyTorch");
        Trainer t = null;
        try {
            Engine.getInstance().setRandomSeed((int) (task.seed() ^ (task.seed() >>> 32)));
            Block block = ModelBuilder.build(space, genome, input);
            m.setBlock(block);
            ObjectNode state = null;
            if (checkpoint != null) {
                state = readState(checkpoint);
                // before the trainer: Trainer.initialize caches the parameter arrays in its parameter store
                CheckpointStore.read(checkpoint.resolve("params.bin"),
                        in -> block.loadParameters(m.getNDManager(), in));
            }
            optimizer = new NasOptimizer(recipe);
            t = m.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer)
                    .optDevices(new Device[] {device}));
            t.initialize(new Shape(1, input.channels(), input.height(), input.width()));
            if (state != null) {
                CheckpointStore.read(checkpoint.resolve("optimizer.bin"),
                        in -> optimizer.load(in, trainableIds(block), m.getNDManager()));
                done = state.path("epoch").asInt();
                Map<String, Double> lm = new LinkedHashMap<>();
                state.path("metrics").fields().forEachRemaining(e -> lm.put(e.getKey(), e.getValue().asDouble()));
                lastMetrics = Map.copyOf(lm);
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (t != null) {
                t.close();
            }
            m.close();
            throw e;
        }
        this.model = m;
        this.trainer = t;
        double fraction = spec.fidelity().dataFraction() == null ? 1.0 : spec.fidelity().dataFraction();
        ImageData trainData = data.train().fraction(fraction, spec.seed() * 31 + 4);
        float[] mean = data.mean();
        float[] std = data.std();
        train = new Batches(trainData, mean, std, recipe.cropPadding(), recipe.horizontalFlip());
        valid = new Batches(data.valid(), mean, std);
        test = data.test() == null ? null : new Batches(data.test(), mean, std);
        trainSize = trainData.size();
        scheduleEpochs = Math.max(task.epochs(), spec.fidelity().epochs() == null ? 0 : spec.fidelity().epochs());
    }

    /** Opens the session of {@code task}, resuming from the latest checkpoint when {@code resume} is not null. */
    static DjlSession open(CandidateTask task, ResumePoint resume, PathPolicy paths) throws IOException {
        SearchSpec spec = Defaults.apply(task.spec());
        if (spec.data() == null) {
            throw new NonRetryableTrainingException("data: missing; trainer 'djl' trains on real data (fix: add "
                    + "\"data\": {\"format\": \"idx\", \"path\": \"/usr/share/datasets/fashion-mnist\"})");
        }
        Recipe recipe = Recipe.load(spec.trainer().recipe(), spec.data().format(), paths);
        if (task.epochs() > recipe.maxEpochs()) {
            throw new NonRetryableTrainingException("the task asks for " + task.epochs() + " epochs but recipe '"
                    + recipe.name() + "' caps training at maxEpochs " + recipe.maxEpochs()
                    + " (fix: lower fidelity.epochs or raise maxEpochs in the recipe)");
        }
        DataSplits data = Datasets.load(spec, paths);
        SearchSpace base = Spaces.byId(task.genome().space());
        double width = spec.fidelity().widthMultiplier() == null ? 1.0 : spec.fidelity().widthMultiplier();
        SearchSpace space = ScaledSpaces.scale(base, width);
        Genome genome = ScaledSpaces.relabel(task.genome(), space);
        CheckpointStore store = new CheckpointStore(candidateDir(spec, task, paths), "checkpoint");
        if (resume != null) {
            for (Path ckpt : checkpointsNewestFirst(store, resume)) {
                try {
                    DjlSession s = new DjlSession(task, spec, recipe, data, space, genome, store, ckpt);
                    log.info("{}: resumed from checkpoint {} (epoch {})", task.candidateId(), ckpt, s.done);
                    return s;
                } catch (IOException | MalformedModelException | RuntimeException e) {
                    log.warn("{}: checkpoint {} unreadable ({}); trying an older one", task.candidateId(), ckpt,
                            e.toString());
                }
            }
            log.info("{}: no readable checkpoint in {}; training from scratch", task.candidateId(), store.dir());
        }
        try {
            return new DjlSession(task, spec, recipe, data, space, genome, store, null);
        } catch (MalformedModelException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path candidateDir(SearchSpec spec, CandidateTask task, PathPolicy paths) {
        Path root;
        try {
            root = paths.resolveArtifacts("artifacts", spec.artifacts());
        } catch (IllegalArgumentException e) {
            throw new NonRetryableTrainingException(e.getMessage(), e);
        }
        return root.resolve(safe(task.searchId())).resolve(safe(task.candidateId()));
    }

    private static String safe(String s) {
        String t = s == null ? "unnamed" : s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.isEmpty() || t.chars().allMatch(c -> c == '.') ? "_" + t : t;
    }

    private static Device device(String wanted) {
        int gpus = Engine.getInstance().getGpuCount();
        if ("gpu".equals(wanted)) {
            if (gpus == 0) {
                throw new NonRetryableTrainingException("trainer.device 'gpu' but this worker's PyTorch engine sees "
                        + "no GPU (fix: use device 'auto' or 'cpu', or run the worker where a CUDA build of the "
                        + "engine and a GPU are available)");
            }
            return Device.gpu();
        }
        return "auto".equals(wanted) && gpus > 0 ? Device.gpu() : Device.cpu();
    }

    @Override
    public int epochsDone() {
        return done;
    }

    InputShape inputShape() {
        return input;
    }

    Block block() {
        return model.getBlock();
    }

    /** The candidate's checkpoints ({@code <artifacts>/<searchId>/<candidateId>}). */
    CheckpointStore checkpoints() {
        return checkpoints;
    }

    /** The manager that owns the model's arrays; every batch works in a sub-manager of it, closed after the batch. */
    NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public EpochReport trainEpoch(StepListener steps) {
        long t0 = System.currentTimeMillis();
        int epoch = done + 1;
        Random rng = new Random(dev.nasflow.model.Seeds.epochOrder(task.seed(), epoch));
        int[] order = Batches.permutation(trainSize, rng);
        int bs = recipe.batchSize();
        int n = order.length;
        int batches = (n + bs - 1) / bs;
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        boolean finite = true;
        NDManager root = manager();
        for (int b = 0; b < batches && finite; b++) {
            int from = b * bs;
            int to = Math.min(n, from + bs);
            if (to - from < 2 && b > 0) {
                break; // BatchNorm cannot train on a single image; the last one waits for the next epoch
            }
            double lr = recipe.learningRateAt(epoch - 1 + (double) b / batches, scheduleEpochs);
            float[] x = train.images(order, from, to, rng);
            float[] y = train.labels(order, from, to);
            TrainLock.LOCK.lock();
            try (NDManager batch = root.newSubManager()) {
                NDArray xs = batch.create(x, new Shape(to - from, input.channels(), input.height(), input.width()));
                NDArray ys = batch.create(y, new Shape(to - from));
                double batchLoss;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(xs)).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(ys), new NDList(logits));
                    gc.backward(l);
                    batchLoss = l.getFloat();
                    correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
                }
                if (!Double.isFinite(batchLoss)) {
                    finite = false;
                    lossSum = batchLoss;
                } else {
                    optimizer.setLearningRate(lr);
                    optimizer.beginStep();
                    trainer.step();
                    lossSum += batchLoss * (to - from);
                }
                seen += to - from;
            } finally {
                TrainLock.LOCK.unlock();
            }
            steps.onStep();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trainLoss", finite ? lossSum / Math.max(1, seen) : lossSum);
        m.put("trainAccuracy", 100.0 * correct / Math.max(1, seen));
        if (finite) {
            double[] v = validate(steps);
            m.put("validLoss", v[0]);
            m.put("validAccuracy", v[1]);
            // the test split is measured once, after the candidate's last epoch: it never guides selection, and
            // evaluating it every epoch cost as much as a third of a low-fidelity epoch
            if (test != null && epoch >= task.epochs()) {
                double[] t = evaluate(test, steps);
                m.put("testAccuracy", t[1]);
            }
        } else {
            m.put("validLoss", Double.NaN);
        }
        done = epoch;
        lastMetrics = Map.copyOf(m);
        long wall = System.currentTimeMillis() - t0;
        log.info("{} epoch {}: {} ({} ms)", task.candidateId(), epoch, m, wall);
        return new EpochReport(epoch, m, wall / 1000.0, wall);
    }

    /** Mean loss and accuracy (percent) of the model in inference mode over the validation split. */
    double[] validate(StepListener steps) {
        return evaluate(valid, steps);
    }

    /** Mean loss and accuracy (percent) of the model in inference mode over {@code data}. */
    private double[] evaluate(Batches data, StepListener steps) {
        int n = data.data().size();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int bs = recipe.evalBatchSize();
        double lossSum = 0;
        long correct = 0;
        NDManager root = manager();
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            float[] x = data.images(order, from, to, null);
            float[] y = data.labels(order, from, to);
            boolean grad = JniUtils.isGradMode();
            try (NDManager batch = root.newSubManager()) {
                JniUtils.setGradMode(false);
                NDArray xs = batch.create(x, new Shape(to - from, input.channels(), input.height(), input.width()));
                NDArray ys = batch.create(y, new Shape(to - from));
                NDArray logits = trainer.evaluate(new NDList(xs)).singletonOrThrow();
                lossSum += loss.evaluate(new NDList(ys), new NDList(logits)).getFloat() * (to - from);
                correct += logits.argMax(1).toType(DataType.FLOAT32, false).eq(ys).sum().getLong();
            } finally {
                JniUtils.setGradMode(grad);
            }
            steps.onStep();
        }
        return new double[] {lossSum / Math.max(1, n), 100.0 * correct / Math.max(1, n)};
    }

    /** Ids (optimizer state keys) of the trainable parameters, in block order. */
    private static List<String> trainableIds(Block block) {
        List<String> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue().getId());
            }
        }
        return out;
    }

    @Override
    public String checkpoint() throws IOException {
        return checkpoints.save(done, KEEP, tmp -> {
            CheckpointStore.write(tmp.resolve("params.bin"), out -> model.getBlock().saveParameters(out));
            CheckpointStore.write(tmp.resolve("optimizer.bin"),
                    out -> optimizer.save(out, trainableIds(model.getBlock())));
            CheckpointStore.writeState(tmp, state());
        }).toString();
    }

    /** The checkpoint's {@code state.json}. */
    private ObjectNode state() {
        ObjectNode state = CheckpointStore.JSON.createObjectNode();
        state.put("format", "nasflow-djl-checkpoint/1");
        state.put("epoch", done);
        state.put("searchId", task.searchId());
        state.put("candidateId", task.candidateId());
        state.put("space", task.genome().space());
        state.putPOJO("choices", task.genome().choices());
        state.put("arch", task.arch());
        state.put("builtSpace", space.id());
        state.put("widthMultiplier", spec.fidelity().widthMultiplier() == null ? 1.0
                : spec.fidelity().widthMultiplier());
        state.putPOJO("input", input);
        state.put("seed", task.seed());
        state.put("rng", "epoch e uses new java.util.Random(seed * 1000003 + e); weights initialized after "
                + "Engine.setRandomSeed(seed)");
        state.put("optimizer", recipe.optimizer());
        state.put("optimizerSteps", optimizer.steps());
        state.putPOJO("recipe", recipe);
        state.putPOJO("mean", data.mean());
        state.putPOJO("std", data.std());
        state.putPOJO("metrics", lastMetrics);
        return state;
    }

    /**
     * Checkpoints to resume from, newest first: those in the candidate directory (the last heartbeat may predate the
     * last checkpoint) and the resume point's own.
     */
    static List<Path> checkpointsNewestFirst(CheckpointStore store, ResumePoint resume) {
        List<Path> out = store.newestFirst();
        if (resume.checkpoint() != null) {
            Path given = Path.of(resume.checkpoint()).toAbsolutePath().normalize();
            if (given.startsWith(store.dir().toAbsolutePath().normalize()) && !out.contains(given)
                    && Files.isDirectory(given)) {
                out.add(given);
            }
        }
        return out;
    }

    /** The state.json of a checkpoint, checked to belong to this candidate. */
    private ObjectNode readState(Path dir) throws IOException {
        var state = CheckpointStore.readState(dir);
        int epoch = state.path("epoch").asInt(-1);
        int[] choices = CheckpointStore.JSON.convertValue(state.get("choices"), int[].class);
        if (!(state instanceof ObjectNode o) || epoch < 1
                || !task.genome().space().equals(state.path("space").asText())
                || !Arrays.equals(task.genome().choices(), choices)) {
            throw new IOException("checkpoint " + dir + " is for another candidate or is corrupt");
        }
        return o;
    }

    @Override
    public Map<String, Double> staticMetrics() {
        if (staticMetrics == null) {
            Cost c = space.cost(genome, input);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("params", (double) c.params());
            m.put("flops", (double) c.flops());
            m.put("latencyMs", latencyMs());
            staticMetrics = Map.copyOf(m);
        }
        return staticMetrics;
    }

    /**
     * Median inference latency in milliseconds of a batch of {@code latencyBatchSize} on this worker's device, after
     * {@code latencyWarmup} runs, over {@code latencyRuns} runs (inference mode, no gradient).
     */
    double latencyMs() {
        int bs = recipe.latencyBatchSize();
        double[] times = new double[recipe.latencyRuns()];
        boolean grad = JniUtils.isGradMode();
        TrainLock.LOCK.lock();
        try (NDManager batch = manager().newSubManager()) {
            JniUtils.setGradMode(false);
            ParameterStore ps = new ParameterStore(batch, false);
            NDArray x = batch.randomNormal(new Shape(bs, input.channels(), input.height(), input.width()));
            for (int i = 0; i < recipe.latencyWarmup() + times.length; i++) {
                try (NDManager run = batch.newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray y = model.getBlock().forward(ps, new NDList(x), false).singletonOrThrow();
                    y.toFloatArray(); // wait for the result
                    long t = System.nanoTime() - t0;
                    y.attach(run);
                    if (i >= recipe.latencyWarmup()) {
                        times[i - recipe.latencyWarmup()] = t / 1e6;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
            TrainLock.LOCK.unlock();
        }
        Arrays.sort(times);
        int k = times.length;
        return k % 2 == 1 ? times[k / 2] : (times[k / 2 - 1] + times[k / 2]) / 2;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        trainer.close();
        model.close();
    }
}
