package dev.nasflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.spec.PathPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the images carry, checked without a Docker engine (none on these machines): the runtime stage of
 * {@code Dockerfile} and {@code ops/docker/Dockerfile.gpu} is read, its {@code COPY} instructions from the build
 * context are replayed into a directory standing for {@code /opt/nasflow}, and every spec in {@code workflows/} is
 * resolved there the way a worker in the container resolves it ({@link PathPolicy} with home {@code /opt/nasflow}):
 * recipes and bundled data must be inside, artifacts must land under {@code /opt/nasflow/artifacts}, the directory
 * the compose stack mounts its shared volume on. The build context ({@code .dockerignore}) must not leave any of it
 * out. The GPU image must point DJL at a CUDA libtorch of the version the Java build uses.
 */
class DockerImageTest {
    static final Path REPO = Path.of("").toAbsolutePath();
    static final String HOME = "/opt/nasflow";
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?!--from)(\\S+)\\s+(\\S+)\\s*$");

    /** The instructions of the last stage (the image that runs), continuation lines joined. */
    static String runtimeStage(Path dockerfile) throws IOException {
        String text = Files.readString(dockerfile).replace("\\\n", " ");
        int last = text.lastIndexOf("\nFROM ");
        assertTrue(last >= 0, dockerfile + " has no FROM");
        return text.substring(last + 1);
    }

    /** (source in the build context, destination in the image) of each COPY from the context. */
    static List<String[]> copies(String stage) {
        List<String[]> out = new ArrayList<>();
        Matcher m = COPY.matcher(stage);
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.createDirectories(t.getParent());
                    Files.copy(p, t);
                }
            }
        }
    }

    /** The image's /opt/nasflow as far as the build context goes (jar and lib/ come from the build stage). */
    static Path replay(Path dockerfile, Path into) throws IOException {
        String stage = runtimeStage(dockerfile);
        for (String[] c : copies(stage)) {
            assertTrue(c[1].startsWith(HOME + "/"), "COPY " + c[0] + " " + c[1] + " outside " + HOME);
            Path src = REPO.resolve(c[0]);
            assertTrue(Files.exists(src), dockerfile + ": COPY " + c[0] + " names nothing in the build context");
            copyTree(src, into.resolve(c[1].substring(HOME.length() + 1)));
        }
        Matcher mk = Pattern.compile("mkdir -p ([^&]+)").matcher(stage);
        while (mk.find()) {
            for (String d : mk.group(1).trim().split("\\s+")) {
                if (d.startsWith(HOME + "/")) {
                    Files.createDirectories(into.resolve(d.substring(HOME.length() + 1)));
                }
            }
        }
        return into;
    }

    static void assertImageRunsTheSpecs(Path dockerfile, Path dir) throws IOException {
        String stage = runtimeStage(dockerfile);
        List<String> dests = copies(stage).stream().map(c -> c[0] + " " + c[1]).toList();
        assertTrue(dests.contains("workflows " + HOME + "/workflows"), dockerfile + ": " + dests);
        assertTrue(dests.contains("activities " + HOME + "/activities"), dockerfile + " lacks the recipes and "
                + "bundled data: " + dests);
        assertTrue(stage.contains("NASFLOW_HOME=" + HOME), dockerfile + ": relative spec paths resolve against "
                + "NASFLOW_HOME");
        assertTrue(stage.contains("DJL_OFFLINE=true"), dockerfile + ": DJL must not download at run time");
        assertTrue(stage.matches("(?s).*mkdir -p [^&]*" + HOME + "/artifacts.*")
                        && stage.matches("(?s).*chown -R nasflow:nasflow [^&]*" + HOME + "/artifacts.*"),
                dockerfile + ": the artifacts directory must exist and belong to the image's user (a fresh named "
                        + "volume takes its owner)");
        assertTrue(stage.contains("DJL_CACHE_DIR=" + HOME + "/cache/djl") && stage.contains("chown -R nasflow:nasflow"
                + " " + HOME + "/work " + HOME + "/artifacts " + HOME + "/cache"), dockerfile
                + ": DJL extracts its native library into a directory the user can write");
        assertTrue(stage.contains("USER 10001:10001"), dockerfile + ": fixed uid (host dirs, fsGroup)");

        Path home = replay(dockerfile, dir);
        PathPolicy policy = new PathPolicy(home, List.of());
        ObjectMapper json = new ObjectMapper();
        int djl = 0;
        int bundled = 0;
        try (Stream<Path> specs = Files.list(REPO.resolve("workflows"))) {
            for (Path f : specs.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                assertTrue(Files.exists(home.resolve("workflows").resolve(f.getFileName().toString())), f + "");
                JsonNode spec = json.readTree(f.toFile());
                if (spec.hasNonNull("artifacts")) {
                    Path a = policy.resolveArtifacts("artifacts", spec.get("artifacts").asText());
                    assertTrue(a.startsWith(home.resolve("artifacts")), f + ": artifacts " + a + " are not on the "
                            + "shared volume at " + HOME + "/artifacts");
                }
                if (!"djl".equals(spec.path("trainer").path("type").asText())) {
                    continue;
                }
                djl++;
                String recipe = spec.path("trainer").path("recipe").asText("");
                if (!recipe.isEmpty()) {
                    Path r = policy.resolveRecipe("trainer.recipe", recipe);
                    assertTrue(Files.isRegularFile(r), f + ": recipe " + recipe + " is not in the image");
                }
                String data = spec.path("data").path("path").asText("");
                if (data.startsWith(PathPolicy.SYSTEM_DATASETS + "/")) {
                    continue; // a system dataset: mounted by ops/compose/host-dirs.yml (see ComposeFileTest)
                }
                bundled++;
                Path d = policy.resolveData("data.path", data);
                for (String idx : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
                    assertTrue(Files.isRegularFile(d.resolve(idx)), f + ": " + data + "/" + idx + " not in the image");
                }
            }
        }
        assertTrue(djl >= 3 && bundled >= 2, "djl specs " + djl + ", on bundled data " + bundled);
    }

    @Test
    void theCpuImageCarriesRecipesDataAndTheArtifactsDirectory(@TempDir Path dir) throws IOException {
        assertImageRunsTheSpecs(REPO.resolve("Dockerfile"), dir);
    }

    @Test
    void theGpuImageToo(@TempDir Path dir) throws IOException {
        assertImageRunsTheSpecs(REPO.resolve("ops/docker/Dockerfile.gpu"), dir);
    }

    @Test
    void theGpuImagePointsDjlAtACudaLibtorchOfTheEngineVersion() throws IOException {
        Path f = REPO.resolve("ops/docker/Dockerfile.gpu");
        String all = Files.readString(f);
        String stage = runtimeStage(f);
        Matcher v = Pattern.compile("<pytorch.version>([^<]+)</pytorch.version>")
                .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertTrue(v.find());
        String torch = v.group(1);
        assertEquals("2.7.1", torch, "DJL 0.36's JNI is built for libtorch 2.7.1");
        assertTrue(all.contains("ARG CUDA_IMAGE=nvidia/cuda:12."), "CUDA base image");
        assertTrue(stage.startsWith("FROM ${CUDA_IMAGE}"), stage.substring(0, 40));
        assertTrue(stage.contains("ARG TORCH_VERSION=" + torch) && stage.contains("\"torch==${TORCH_VERSION}\""));
        assertTrue(stage.contains("test -f /opt/torch/libtorch/libtorch_cuda.so"), "the build checks it got CUDA");
        for (String env : List.of("PYTORCH_LIBRARY_PATH=/opt/torch/libtorch", "PYTORCH_VERSION=" + torch,
                "PYTORCH_FLAVOR=cu128", "NVIDIA_DRIVER_CAPABILITIES=compute,utility")) {
            assertTrue(stage.contains(env), f + " lacks ENV " + env);
        }
        assertTrue(stage.contains("\"--task-queue\", \"nasflow-gpu\""), "GPU workers serve their own queue");
    }

    @Test
    void theBuildContextKeepsWhatTheImagesCopy() throws IOException {
        List<String> ignored = Files.readAllLines(REPO.resolve(".dockerignore")).stream().map(String::strip)
                .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        for (String needed : List.of("activities", "workflows", "src", "pom.xml", "activities/recipes",
                "activities/data")) {
            for (String pattern : ignored) {
                String p = pattern.replaceAll("^/", "").replaceAll("/$", "");
                assertFalse(needed.equals(p) || needed.startsWith(p + "/") || p.equals("*"),
                        ".dockerignore pattern '" + pattern + "' leaves " + needed + " out of the image");
            }
        }
        assertTrue(ignored.contains("artifacts"), "local artifacts stay out of the build context");
        assertTrue(Files.isDirectory(REPO.resolve("activities/recipes"))
                && Files.isRegularFile(REPO.resolve("activities/data/fashion-mnist-small/LICENSE")));
    }
}
