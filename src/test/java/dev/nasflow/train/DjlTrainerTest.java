package dev.nasflow.train;

import ai.djl.ndarray.NDManager;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.model.ResumePoint;
import dev.nasflow.activity.StepListener;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;
import dev.nasflow.model.CandidateTask;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL backend end to end on a tiny generated dataset: learning, checkpoint/resume, cancellation, errors. */
class DjlTrainerTest {
    /** A nasflow home of its own: data, recipes and artifacts of these tests live under it. */
    static final Path HOME = Path.of("target/djl-test-home").toAbsolutePath();
    static final String DATA = "data/tiny-idx";
    static final PathPolicy PATHS = new PathPolicy(HOME, List.of());

    @BeforeAll
    static void data() throws IOException {
        if (!Files.exists(HOME.resolve(DATA).resolve("t10k-labels-idx1-ubyte.gz"))) {
            TestData.idx(HOME.resolve(DATA), 600, 200, 12, true, 42);
        }
        Path recipes = Files.createDirectories(HOME.resolve("activities/recipes"));
        Files.writeString(recipes.resolve("tiny.json"), """
                {"optimizer": "sgd", "learningRate": 0.1, "batchSize": 32, "evalBatchSize": 256,
                 "latencyWarmup": 2, "latencyRuns": 5}
                """);
    }

    static SearchSpec spec(String name, String extra) {
        String json = """
                {"name": "%s", "seed": 5,
                 "space": {"type": "chain", "layers": 2, "ops": ["conv", "sepconv"], "kernels": [3],
                           "widths": [8, 12], "activations": ["relu"], "skip": true, "channels": 8, "stages": 2},
                 "strategy": {"type": "random"},
                 "budget": {"evaluations": 4, "maxConcurrent": 1},
                 "fidelity": {"epochs": 3},
                 "trainer": {"type": "djl", "device": "cpu", "recipe": "recipes/tiny.json"%s},
                 "data": {"format": "idx", "path": "%s", "validationFraction": 0.2},
                 "artifacts": "artifacts/%s"}
                """.formatted(name, extra, DATA, name);
        SpecValidation v = new SpecValidator().validate(json, name);
        assertTrue(v.ok(), v.report());
        return v.effective();
    }

    static CandidateTask task(SearchSpec spec, String id, int epochs, long seed) {
        SearchSpace space = Spaces.create(spec.space());
        Genome g = space.random(new Random(seed));
        return new CandidateTask("s-" + spec.name(), id, 0, 0, g, space.canonical(g), space.hash(g), epochs, seed,
                spec);
    }

    @Test
    void learnsAboveChanceAndReportsEveryMetric() throws Exception {
        SearchSpec spec = spec("learn", "");
        DjlCandidateTrainer trainer = new DjlCandidateTrainer(PATHS);
        CandidateTask t = task(spec, "c0", 2, 1);
        AtomicInteger steps = new AtomicInteger();
        try (DjlSession s = (DjlSession) trainer.open(t, null)) {
            Map<String, Double> st = s.staticMetrics();
            assertEquals((double) Spaces.create(spec.space()).cost(t.genome(), s.inputShape()).params(),
                    st.get("params"));
            assertEquals((double) ModelBuilder.trainableParams(s.block()), st.get("params"));
            assertTrue(st.get("flops") > 0);
            assertTrue(st.get("latencyMs") > 0 && st.get("latencyMs") < 1000, st.toString());
            EpochReport r1 = s.trainEpoch(steps::incrementAndGet);
            EpochReport r2 = s.trainEpoch(steps::incrementAndGet);
            assertEquals(1, r1.epoch());
            assertEquals(2, r2.epoch());
            for (String k : List.of("trainLoss", "trainAccuracy", "validLoss", "validAccuracy", "testAccuracy")) {
                assertTrue(Double.isFinite(r2.metric(k)), k + " in " + r2.metrics());
            }
            assertTrue(r2.metric("validAccuracy") > 30, "well above chance (10%): " + r2.metrics());
            assertTrue(r2.metric("testAccuracy") > 30, r2.metrics().toString());
            assertTrue(steps.get() >= 2 * 4, "a step callback per batch: " + steps.get());
        }
    }

    @Test
    void checkpointThenResumeContinuesAtTheNextEpoch() throws Exception {
        SearchSpec spec = spec("resume", "");
        DjlCandidateTrainer trainer = new DjlCandidateTrainer(PATHS);
        CandidateTask t = task(spec, "c1", 3, 2);
        String ckpt;
        double validAfter1;
        try (DjlSession s = (DjlSession) trainer.open(t, null)) {
            CheckpointStore.deleteTree(s.checkpoints().dir());
            validAfter1 = s.trainEpoch(StepListener.NONE).metric("validLoss");
            ckpt = s.checkpoint();
        }
        assertTrue(Files.isRegularFile(Path.of(ckpt, "params.bin")));
        assertTrue(Files.isRegularFile(Path.of(ckpt, "optimizer.bin")));
        assertTrue(Files.readString(Path.of(ckpt, "state.json")).contains("\"epoch\" : 1"));
        ResumePoint rp = new ResumePoint(1, ckpt, Double.NaN, Map.of(), 0);
        try (DjlSession s = (DjlSession) trainer.open(t, rp)) {
            assertEquals(1, s.epochsDone());
            double[] v = s.validate(StepListener.NONE);
            assertEquals(validAfter1, v[0], 1e-4, "restored weights give the same validation loss");
            EpochReport r = s.trainEpoch(StepListener.NONE);
            assertEquals(2, r.epoch());
            String c2 = s.checkpoint();
            assertTrue(c2.endsWith("epoch-2"), c2);
        }
        // a stale heartbeat (epoch 1) still resumes from the newest checkpoint on disk
        try (DjlSession s = (DjlSession) trainer.open(t, rp)) {
            assertEquals(2, s.epochsDone());
        }
        // export finds the candidate's newest checkpoint by id
        Path ckptDir = Exporter.locate("c1", HOME.resolve("artifacts/resume"));
        assertTrue(ckptDir.endsWith("epoch-2"), ckptDir.toString());
        Path out = HOME.resolve("export/c1");
        var g = Exporter.export(ckptDir, out);
        assertEquals(t.arch(), g.path("arch").asText());
        for (String f : List.of("genome.json", "params.bin", "model.py", "weights.bin", "weights.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(Files.readString(out.resolve("weights.json")).contains("running_mean"));
    }

    @Test
    void cancellationFromOnStepLeavesNoArrays() throws Exception {
        SearchSpec spec = spec("cancel", "");
        DjlCandidateTrainer trainer = new DjlCandidateTrainer(PATHS);
        CandidateTask t = task(spec, "c2", 3, 3);
        try (DjlSession s = (DjlSession) trainer.open(t, null)) {
            s.staticMetrics();
            s.trainEpoch(StepListener.NONE);
            NDManager root = s.manager();
            int baseline = root.getManagedArrays().size();
            AtomicInteger n = new AtomicInteger();
            RuntimeException cancel = new IllegalStateException("cancelled");
            var e = assertThrows(IllegalStateException.class, () -> s.trainEpoch(() -> {
                if (n.incrementAndGet() == 2) {
                    throw cancel;
                }
            }));
            assertEquals(cancel, e);
            assertEquals(baseline, root.getManagedArrays().size(), "no array left behind by the cancelled epoch");
            assertEquals(1, s.epochsDone());
        }
    }

    @Test
    void badInputIsNonRetryable() {
        SearchSpec ok = spec("bad", "");
        SearchSpec spec = new SearchSpec(ok.name(), ok.seed(), ok.space(), ok.strategy(), ok.budget(),
                ok.objectives(), ok.constraints(), ok.fidelity(), ok.stopping(),
                new dev.nasflow.model.TrainerSpec("djl", null, null, "recipes/does-not-exist.json", "cpu"), ok.data(),
                ok.taskQueue(), ok.artifacts());
        DjlCandidateTrainer trainer = new DjlCandidateTrainer(PATHS);
        var e = assertThrows(NonRetryableTrainingException.class, () -> trainer.open(task(spec, "c3", 1, 4), null));
        assertTrue(e.getMessage().contains("trainer.recipe"), e.getMessage());
        assertNotNull(e.getMessage());
    }
}
