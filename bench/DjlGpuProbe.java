import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Probes what DJL's PyTorch engine can do with the libtorch and GPU of the machine it runs on; one JSON line out.
 * For a GPU machine whose libtorch is not the one DJL ships (run by ops/scripts/gpu-check.sh with
 * PYTORCH_LIBRARY_PATH pointing at a CUDA libtorch). Each step is tried on its own and its error recorded, so the
 * output says exactly how far the engine gets (one JSON line per step as it completes, so a step that kills the JVM
 * is the one after the last line; then a summary line): engine load, GPU count, tensor creation from Java data (from_blob),
 * tensors made natively (ones), arithmetic, FP16/BF16 casts, and a copy to the GPU.
 *
 * <p>Compile and run (classpath: DJL api, pytorch-engine, pytorch-jni, gson, jna, slf4j):
 * {@code javac -cp "lib/*" -d classes bench/DjlGpuProbe.java && java -cp "classes:lib/*" DjlGpuProbe}
 */
public final class DjlGpuProbe {
    private static final Map<String, Object> OUT = new LinkedHashMap<>();

    public static void main(String[] args) {
        OUT.put("PYTORCH_LIBRARY_PATH", System.getenv("PYTORCH_LIBRARY_PATH"));
        OUT.put("PYTORCH_VERSION", System.getenv("PYTORCH_VERSION"));
        OUT.put("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR"));
        Engine engine = step("engine", () -> Engine.getEngine("PyTorch"));
        if (engine != null) {
            step("engineVersion", engine::getVersion);
            Integer gpus = step("gpuCount", engine::getGpuCount);
            List<Device> devices = new ArrayList<>();
            if (gpus != null && gpus > 0) {
                devices.add(Device.gpu());
            }
            devices.add(Device.cpu());
            if (devices.size() > 1) {
                step("copyCpuToGpu", () -> {
                    try (NDManager c = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                        return c.ones(new Shape(3)).toDevice(Device.gpu(), false).sum().getFloat();
                    }
                });
            }
            for (Device d : devices) {
                String p = d.isGpu() ? "gpu." : "cpu.";
                try (NDManager m = NDManager.newBaseManager(d, "PyTorch")) {
                    step(p + "ones", () -> m.ones(new Shape(2, 2)).sum().getFloat());
                    step(p + "createFromJava", () -> m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2))
                            .matMul(m.ones(new Shape(2, 2))).sum().getFloat());
                    // BF16 matMul on the CPU engine aborts the JVM (std::terminate; see docs/TRAINING.md): GPU only
                    for (DataType t : d.isGpu() ? List.of(DataType.FLOAT16, DataType.BFLOAT16)
                            : List.of(DataType.FLOAT16)) {
                        step(p + "matMul." + t, () -> {
                            NDArray a = m.ones(new Shape(64, 64)).toType(t, false);
                            return a.matMul(a).toType(DataType.FLOAT32, false).sum().getFloat();
                        });
                    }
                }
            }
        }
        System.out.println(json(OUT));
        System.exit(0);
    }

    private static <T> T step(String name, Callable<T> c) {
        try {
            T v = c.call();
            OUT.put(name, v);
            System.out.println(json(Map.of("step", name, "result", v)));
            return v;
        } catch (Throwable t) {
            String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
            OUT.put(name, "FAILED " + t.getClass().getSimpleName() + ": " + msg);
            System.out.println(json(Map.of("step", name, "result", OUT.get(name))));
            return null;
        }
    }

    private static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(str(e.getKey())).append(':');
            Object v = e.getValue();
            b.append(v == null ? "null" : v instanceof Number || v instanceof Boolean ? v.toString() : str(v.toString()));
        }
        return b.append('}').toString();
    }

    private static String str(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
