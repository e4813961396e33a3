package dev.nasflow.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python interpreter with PyTorch, for the PyTorch side of {@code nasflow bench train} and for checking an
 * exported module. Looked up in order: {@code NASFLOW_TORCH_PYTHON} (an interpreter), {@code NASFLOW_TORCH_VENV}
 * (a virtual environment), the per-user environment {@code ops/scripts/setup-torch.sh} creates
 * ({@code $XDG_CACHE_HOME or ~/.cache}/nasflow/torch-2.7.1), then the project's {@code .venv}. The first one whose
 * {@code import torch} succeeds wins.
 */
public final class TorchPython {
    /** The PyTorch version matching DJL's engine (libtorch 2.7.1). */
    public static final String TORCH_VERSION = "2.7.1";
    public static final String INSTALL_HINT = "install it with: bash ops/scripts/setup-torch.sh "
            + "(torch " + TORCH_VERSION + " from PyPI into ~/.cache/nasflow/torch-" + TORCH_VERSION + ")";

    private TorchPython() {
    }

    /** Interpreters to try, in order (they may not exist). */
    public static List<Path> candidates(Path home, Map<String, String> env) {
        List<Path> out = new ArrayList<>();
        String py = env.get("NASFLOW_TORCH_PYTHON");
        if (py != null && !py.isBlank()) {
            out.add(Path.of(py));
        }
        String venv = env.get("NASFLOW_TORCH_VENV");
        if (venv != null && !venv.isBlank()) {
            out.add(Path.of(venv, "bin", "python"));
        }
        String cache = env.get("XDG_CACHE_HOME");
        Path cacheDir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache");
        out.add(cacheDir.resolve("nasflow").resolve("torch-" + TORCH_VERSION).resolve("bin").resolve("python"));
        out.add(home.resolve(".venv").resolve("bin").resolve("python"));
        return out;
    }

    /** The first candidate that imports torch, or empty. */
    public static Optional<Path> find(Path home) {
        for (Path p : candidates(home, System.getenv())) {
            if (hasTorch(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code python -c "import torch"} succeeds (within two minutes). */
    public static boolean hasTorch(Path python) {
        if (!Files.isExecutable(python)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
