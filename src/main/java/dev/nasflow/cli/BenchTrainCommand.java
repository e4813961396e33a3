package dev.nasflow.cli;

import dev.nasflow.train.TorchPython;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.train.TrainBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code nasflow bench train}: training images/s of the reference CNN with DJL, and (when a Python with PyTorch is
 * available) of the same network in PyTorch eager mode ({@code bench/pytorch_train.py}), measured back to back in
 * alternating rounds so the ratio survives a noisy machine.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training throughput (images/s) of the reference CNN "
                + "(" + TrainBenchmark.REFERENCE_ARCH + ", stem 16, 1x28x28, 10 classes) with DJL, and of the same "
                + "network in PyTorch eager (bench/pytorch_train.py) in alternating rounds; prints the medians and "
                + "the ratio DJL/PyTorch."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "2", description = "Intra-op threads of both engines (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "40", description = "Timed steps per round (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating DJL / PyTorch rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--pytorch", defaultValue = "auto", paramLabel = "PYTHON|auto|none",
            description = "Python with torch for the PyTorch counterpart: auto = the first of $NASFLOW_TORCH_PYTHON, "
                    + "~/.cache/nasflow/torch-2.7.1 (bash ops/scripts/setup-torch.sh) and <home>/.venv that has torch; "
                    + "none = DJL only.")
    String pytorch;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path home = QuickstartCommand.home().toAbsolutePath();
        int realThreads = TrainBenchmark.threads(threads);
        String python = python(home);
        String skipped = python == null ? ("none".equals(pytorch) ? "disabled (--pytorch none)"
                : "no Python with torch (tried " + TorchPython.candidates(home, System.getenv()) + "); "
                + TorchPython.INSTALL_HINT) : null;
        List<Double> djl = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        String torchVersion = null;
        long params = 0;
        for (int r = 0; r < rounds; r++) {
            TrainBenchmark.Timing t = TrainBenchmark.djl(batch, steps, warmup, 1);
            params = t.params();
            djl.add(t.imagesPerSecond());
            if (!json) {
                System.err.printf(Locale.ROOT, "round %d: DJL %.1f img/s%n", r + 1, t.imagesPerSecond());
            }
            if (python != null) {
                JsonNode p = runPython(python, home.resolve("bench/pytorch_train.py"));
                if (p == null) {
                    skipped = "bench/pytorch_train.py failed (see stderr)";
                    python = null;
                    continue;
                }
                torch.add(p.get("imagesPerSecond").asDouble());
                torchVersion = p.get("version").asText();
                if (!json) {
                    System.err.printf(Locale.ROOT, "round %d: PyTorch %.1f img/s%n", r + 1,
                            p.get("imagesPerSecond").asDouble());
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "train");
        out.put("arch", TrainBenchmark.REFERENCE_ARCH);
        out.put("params", params);
        out.put("input", List.of(1, 28, 28));
        out.put("batch", batch);
        out.put("threads", realThreads);
        out.put("steps", steps);
        out.put("warmup", warmup);
        out.put("ompWaitPolicy", System.getenv("OMP_WAIT_POLICY"));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("engine", "djl 0.36.0 / pytorch 2.7.1");
        d.put("imagesPerSecond", median(djl));
        d.put("rounds", djl);
        out.put("djl", d);
        if (!torch.isEmpty() && torch.size() == djl.size()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("engine", "pytorch-eager " + torchVersion);
            p.put("imagesPerSecond", median(torch));
            p.put("rounds", torch);
            out.put("pytorch", p);
            out.put("ratio", median(djl) / median(torch));
        } else {
            out.put("pytorch", null);
            out.put("pytorchSkipped", skipped);
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } else {
            System.out.printf(Locale.ROOT, "DJL: %.1f img/s (median of %d rounds, batch %d, %d threads)%n",
                    median(djl), rounds, batch, realThreads);
            if (out.get("ratio") != null) {
                System.out.printf(Locale.ROOT, "PyTorch eager %s: %.1f img/s%nratio DJL/PyTorch: %.3f%n",
                        torchVersion, median(torch), (Double) out.get("ratio"));
            } else {
                System.out.println("PyTorch: skipped, " + skipped);
            }
        }
        return 0;
    }

    private String python(Path home) throws Exception {
        if ("none".equals(pytorch)) {
            return null;
        }
        if ("auto".equals(pytorch)) {
            return TorchPython.find(home).map(Path::toString).orElse(null);
        }
        return TorchPython.hasTorch(Path.of(pytorch)) ? pytorch : null;
    }

    private JsonNode runPython(String python, Path script) throws Exception {
        Process p = new ProcessBuilder(python, "-W", "ignore", script.toString(), "--threads", Integer.toString(threads),
                "--batch", Integer.toString(batch), "--steps", Integer.toString(steps),
                "--warmup", Integer.toString(warmup))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                last = line;
            }
        }
        if (p.waitFor() != 0 || last == null) {
            return null;
        }
        return new ObjectMapper().readTree(last);
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
