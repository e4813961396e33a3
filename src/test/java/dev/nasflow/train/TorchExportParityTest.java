package dev.nasflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.DartsSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.InputShape;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.space.SpaceSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported PyTorch module gives the same logits as DJL (max abs difference ≤ 1e-4) for networks of every space,
 * with trained-looking BatchNorm statistics. Needs a Python with PyTorch ({@link TorchPython}; installed by
 * {@code ops/scripts/setup-torch.sh}, which the test command runs); skipped loudly without it, except under
 * {@code NASFLOW_REQUIRE_TORCH=1} (set by ops/scripts/test.sh), where a missing PyTorch fails the test.
 */
@Tag("torch")
class TorchExportParityTest {
    static Path PYTHON;
    static final Path OUT = Path.of("target/torch-export-test").toAbsolutePath();

    @BeforeAll
    static void requireTorch() {
        PYTHON = TorchPython.find(Path.of("").toAbsolutePath()).orElse(null);
        boolean ok = PYTHON != null;
        if (!ok && "1".equals(System.getenv("NASFLOW_REQUIRE_TORCH"))) {
            // the project's test command (ops/scripts/test.sh) installs torch and sets this: no silent skip in CI
            throw new IllegalStateException("NASFLOW_REQUIRE_TORCH=1 but no Python with torch found (tried "
                    + TorchPython.candidates(Path.of("").toAbsolutePath(), System.getenv()) + "); "
                    + TorchPython.INSTALL_HINT);
        }
        if (!ok) {
            System.err.println("SKIPPED TorchExportParityTest: no Python with PyTorch; " + TorchPython.INSTALL_HINT);
        }
        Assumptions.assumeTrue(ok, "PyTorch missing; " + TorchPython.INSTALL_HINT);
        System.out.println("TorchExportParityTest: PyTorch from " + PYTHON);
    }

    static void assertParity(String name, SearchSpace space, Genome g, InputShape in) throws Exception {
        Path dir = OUT.resolve(name);
        try (NDManager m = NDManager.newBaseManager()) {
            Block b = ModelBuilder.build(space, g, in);
            Shape shape = new Shape(4, in.channels(), in.height(), in.width());
            b.initialize(m, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
            // training-mode forwards move the BatchNorm running statistics away from 0 / 1
            for (int i = 0; i < 3; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.randomNormal(shape).mul(2).add(0.5);
                    b.forward(new ParameterStore(s, false), new NDList(x), true);
                }
            }
            TorchExport.write(b, dir);
            Random rng = new Random(7);
            float[] x = new float[(int) shape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextGaussian();
            }
            ByteBuffer buf = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(x);
            Files.write(dir.resolve("input.bin"), buf.array());
            float[] djl;
            try (NDManager s = m.newSubManager()) {
                djl = b.forward(new ParameterStore(s, false), new NDList(s.create(x, shape)), false)
                        .singletonOrThrow().toFloatArray();
            }
            // the DJL reference logits beside the export, for checks elsewhere (bench/gpu_export_check.py on a GPU)
            ByteBuffer ref = ByteBuffer.allocate(djl.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            ref.asFloatBuffer().put(djl);
            Files.write(dir.resolve("djl-logits.bin"), ref.array());
            Files.writeString(dir.resolve("input-shape.txt"), shape.get(0) + " " + shape.get(1) + " " + shape.get(2)
                    + " " + shape.get(3) + "\n");
            float[] torch = runTorch(dir, shape);
            assertEquals(djl.length, torch.length);
            double max = 0;
            for (int i = 0; i < djl.length; i++) {
                max = Math.max(max, Math.abs(djl[i] - torch[i]));
            }
            System.out.println(name + ": max |DJL - PyTorch| = " + max);
            assertTrue(max <= 1e-4, name + ": max abs diff " + max);
        }
    }

    static float[] runTorch(Path dir, Shape shape) throws IOException, InterruptedException {
        String script = """
                import sys, torch
                sys.path.insert(0, sys.argv[1])
                import model
                net = model.load(sys.argv[1])
                data = bytearray(open(sys.argv[1] + "/input.bin", "rb").read())
                x = torch.frombuffer(data, dtype=torch.float32).reshape(%d, %d, %d, %d)
                with torch.no_grad():
                    y = net(x)
                print(" ".join(repr(v) for v in y.flatten().tolist()))
                """.formatted(shape.get(0), shape.get(1), shape.get(2), shape.get(3));
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "python failed: " + out);
        String[] parts = out.split("\\s+");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    static Genome random(SearchSpace s, long seed) {
        return s.random(new Random(seed));
    }

    @Test
    void cellSpaceEveryOp() throws Exception {
        SearchSpace s = Spaces.create(new SpaceSpec("cell", 4, List.of("none", "skip_connect", "nor_conv_1x1",
                "nor_conv_3x3", "avg_pool_3x3", "max_pool_3x3", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3",
                "dil_conv_5x5"), 4, 1, 3, null, null, null, null, null, null, null, null));
        assertParity("cell", s, random(s, 1), new InputShape(1, 15, 15, 10));
        CellSpace nb = CellSpace.nb201();
        assertParity("nb201", nb, random(nb, 2), new InputShape(3, 16, 16, 10));
    }

    @Test
    void darts() throws Exception {
        DartsSpace s = new DartsSpace("darts-small", 3, DartsSpace.DARTS_OPS, 4, 1, 3);
        assertParity("darts", s, random(s, 3), new InputShape(3, 15, 15, 5));
    }

    @Test
    void chain() throws Exception {
        SearchSpace s = Spaces.create(new SpaceSpec("chain", null, List.of("conv", "sepconv", "mbconv3", "mbconv6"),
                8, null, 3, 5, List.of(1, 3, 5), List.of(4, 8), List.of("relu", "relu6", "leaky_relu", "elu",
                "selu", "gelu", "silu", "mish", "tanh", "sigmoid"), true, null, null, null));
        assertParity("chain", s, random(s, 4), new InputShape(1, 15, 15, 10));
    }

    @Test
    void multiBranch() throws Exception {
        SearchSpace s = Spaces.create(new SpaceSpec("multi-branch", null, List.of("none", "skip_connect",
                "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "max_pool_3x3", "sep_conv_3x3", "sep_conv_5x5",
                "dil_conv_3x3", "dil_conv_5x5"), 8, null, 3, null, null, List.of(4, 8), null, null, 4, 3,
                List.of("add", "concat")));
        assertParity("multi-branch", s, random(s, 5), new InputShape(3, 15, 15, 10));
    }

    /**
     * The GPU-check tooling of ops/scripts/gpu-check.sh stays runnable where no GPU is: bench/gpu_export_check.py
     * on an export (its {@code --device cpu} smoke mode: parity with DJL's logits, autocast, training steps) and
     * bench/DjlGpuProbe.java compiles against this build's DJL.
     */
    @Test
    void gpuCheckToolingRunsOnCpu() throws Exception {
        DartsSpace s = new DartsSpace("darts-small", 3, DartsSpace.DARTS_OPS, 4, 1, 3);
        assertParity("gpu-check-smoke", s, random(s, 11), new InputShape(3, 15, 15, 5));
        Process p = new ProcessBuilder(PYTHON.toString(), "bench/gpu_export_check.py",
                OUT.resolve("gpu-check-smoke").toString(), "--device", "cpu", "--batch", "4", "--steps", "1",
                "--warmup", "1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "gpu_export_check.py timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\"fp32ParityOk\": true"), out);
        assertTrue(out.endsWith("{\"ok\": true}"), out);

        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(OUT.resolve("probe-classes"));
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "bench/DjlGpuProbe.java");
        assertEquals(0, rc, "bench/DjlGpuProbe.java does not compile");
    }
}
