package dev.nasflow.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.nasflow.model.EpochReport;
import dev.nasflow.activity.TrainingSession;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.CandidateTask;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DARTS on a few hundred Fashion-MNIST images: bilevel steps, α moves, discretization, retraining from scratch. */
class DartsSupernetTest {
    private static final StepCounter NO_STEPS = new StepCounter();

    static final class StepCounter implements dev.nasflow.activity.StepListener {
        int steps;

        @Override
        public void onStep() {
            steps++;
        }
    }

    @Test
    void discretizationKeepsTheTwoStrongestEdgesPerNodeWithTheirBestNonNoneOp() {
        DartsSpace space = new DartsSpace("d", 2, List.of("none", "max_pool_3x3", "skip_connect", "sep_conv_3x3"),
                4, 1, 2);
        List<String> ops = space.mixedOps();
        // normal: node 0 edges (0, 1); node 1 edges (0, 1, 2). 'none' is the largest weight on several edges but
        // never chosen; node 1 keeps inputs 0 and 2 (strongest non-none ops 0.5 and 0.6 beat 0.3).
        float[][] normal = {
                {0.9f, 0.05f, 0.03f, 0.02f},
                {0.1f, 0.1f, 0.7f, 0.1f},
                {0.4f, 0.1f, 0.0f, 0.5f},
                {0.7f, 0.3f, 0.0f, 0.0f},
                {0.1f, 0.6f, 0.2f, 0.1f}};
        float[][] reduce = {
                {0.1f, 0.2f, 0.3f, 0.4f},
                {0.1f, 0.6f, 0.2f, 0.1f},
                {0.1f, 0.1f, 0.1f, 0.7f},
                {0.1f, 0.1f, 0.75f, 0.05f},
                {0.97f, 0.01f, 0.01f, 0.01f}};
        Genome g = Derivations.discretize(space, ops, normal, reduce);
        assertTrue(space.isValid(g));
        assertEquals("normal=max_pool_3x3~0,skip_connect~1|sep_conv_3x3~0,max_pool_3x3~2;"
                + "reduce=sep_conv_3x3~0,max_pool_3x3~1|sep_conv_3x3~0,skip_connect~1", space.canonical(g));
        assertEquals(5, Supernet.edgeCount(2));
        assertEquals(14, Supernet.edgeCount(4));
        assertEquals(2, Supernet.edgeIndex(1, 0));
    }

    @Test
    void weightsAndAlphaAreUpdatedByTheirOwnStepsThenAnEpochMovesAlphaAndDerivesARetrainableArchitecture()
            throws Exception {
        String name = "darts-unit";
        SupernetFixtures.clean(name);
        SearchSpec spec = SupernetFixtures.spec(name, "darts",
                "\"supernetEpochs\": 2, \"alphaLearningRate\": 0.01, \"retrainEpochs\": 2");
        Genome derived;
        try (SupernetSession s = SupernetSession.open("s-" + name, spec, SupernetFixtures.PATHS)) {
            assertEquals(0, s.resumedFrom());
            Supernet net = s.parts().net();
            assertEquals(2, net.alphaParameters().size());
            assertFalse(net.weightParameters().isEmpty());
            assertTrue(net.weightParameters().stream().noneMatch(p -> p.getName().startsWith("alpha")));
            int n = 16;
            float[][] batch = batch(n, 3);
            float[] x = batch[0];
            float[] y = batch[1];
            float[] alpha0 = alpha(s);
            float[] w0 = snapshot(net.weightParameters());

            s.steps().stepWeights(x, y, n, 0.01, null);
            assertArrayEquals(alpha0, alpha(s), "a weight step leaves α alone");
            float[] w1 = snapshot(net.weightParameters());
            assertTrue(maxDiff(w0, w1) > 0, "a weight step updates the weights");

            s.steps().stepAlpha(x, y, n);
            assertArrayEquals(w1, snapshot(net.weightParameters()), "an α step leaves the weights alone");
            assertTrue(maxDiff(alpha0, alpha(s)) > 0, "an α step updates α");

            // memory stays flat: after a warm-up step (optimizer state created) further steps leave no array behind
            NDManager manager = s.parts().manager();
            int arrays = manager.getManagedArrays().size();
            for (int k = 0; k < 2; k++) {
                s.steps().stepWeights(x, y, n, 0.01, null);
                s.steps().stepAlpha(x, y, n);
            }
            assertEquals(arrays, manager.getManagedArrays().size(), "no array left behind by weight and α steps");

            float[] alphaBefore = alpha(s);
            Map<String, Double> m1 = s.trainEpoch(NO_STEPS);
            s.checkpoint();
            Map<String, Double> m2 = s.trainEpoch(NO_STEPS);
            String ckpt = s.checkpoint();
            assertEquals(2, s.epochsDone());
            for (Map<String, Double> m : List.of(m1, m2)) {
                assertTrue(Double.isFinite(m.get("trainLoss")) && m.get("validAccuracy") >= 0, m.toString());
            }
            assertTrue(maxDiff(alphaBefore, alpha(s)) > 1e-3, "α moved during the epochs");
            for (String f : List.of("params.bin", "weights-optimizer.bin", "alpha-optimizer.bin", "state.json")) {
                assertTrue(Files.isRegularFile(Path.of(ckpt, f)), f);
            }
            derived = s.derive();
            assertEquals(10, s.alphaSummary().size()); // 5 edges per cell
        }
        SearchSpace space = Spaces.create(spec.space());
        Genome g = new Genome(space.id(), derived.choices());
        assertTrue(space.isValid(g), space.violations(g).toString());
        assertFalse(space.canonical(g).contains("none"));

        // stand-alone retraining of the derived architecture from scratch with the candidate trainer
        CandidateTask task = new CandidateTask("s-" + name, "retrain", 0, 0, g, space.canonical(g), space.hash(g), 3,
                11, spec);
        try (TrainingSession t = new DjlCandidateTrainer(SupernetFixtures.PATHS).open(task, null)) {
            EpochReport last = null;
            while (t.epochsDone() < 3) {
                last = t.trainEpoch(NO_STEPS);
            }
            System.out.println("DARTS derived " + space.canonical(g) + " retrained: " + last.metrics());
            assertTrue(last.metrics().get("validAccuracy") > 20, "above chance (10%): " + last.metrics());
            assertTrue(last.metrics().containsKey("testAccuracy"));
        }
    }

    @Test
    void reopeningResumesFromTheLastCheckpointWithAlphaAndOptimizerState() throws Exception {
        String name = "darts-resume";
        SupernetFixtures.clean(name);
        SearchSpec spec = SupernetFixtures.spec(name, "darts", "\"supernetEpochs\": 2, \"retrainEpochs\": 0");
        float[] alpha;
        try (SupernetSession s = SupernetSession.open("s-" + name, spec, SupernetFixtures.PATHS)) {
            s.trainEpoch(NO_STEPS);
            s.checkpoint();
            alpha = alpha(s);
        }
        try (SupernetSession s = SupernetSession.open("s-" + name, spec, SupernetFixtures.PATHS)) {
            assertEquals(1, s.resumedFrom());
            assertEquals(1, s.epochsDone());
            assertArrayEquals(alpha, alpha(s));
            s.trainEpoch(NO_STEPS);
            assertEquals(2, s.epochsDone());
        }
    }

    /** A synthetic batch of n 1×14×14 images: {x (Gaussian, seeded), y (labels i % 10)}. */
    static float[][] batch(int n, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[n * 14 * 14];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
        }
        return new float[][] {x, y};
    }

    /** The raw α values (normal then reduce, row-major). */
    static float[] alpha(SupernetSession s) {
        return snapshot(s.parts().net().alphaParameters());
    }

    static float[] snapshot(List<Parameter> ps) {
        int n = 0;
        for (Parameter p : ps) {
            n += (int) p.getArray().size();
        }
        float[] out = new float[n];
        int at = 0;
        for (Parameter p : ps) {
            float[] a = p.getArray().toFloatArray();
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
