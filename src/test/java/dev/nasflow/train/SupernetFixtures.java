package dev.nasflow.train;

import dev.nasflow.spec.PathPolicy;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.spec.SpecValidation;
import dev.nasflow.spec.SpecValidator;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny one-shot specs on a few hundred images of the bundled Fashion-MNIST subset (downsampled to 14×14): a darts
 * space of 2 nodes, 4 channels, 3 cells (normal, reduction, normal), ops including {@code none}.
 */
public final class SupernetFixtures {
    /** The repository is the nasflow home: bundled data and recipes under activities/, artifacts under target/. */
    public static final PathPolicy PATHS = new PathPolicy(Path.of("").toAbsolutePath(), List.of());

    private SupernetFixtures() {
    }

    /** A valid effective spec; {@code params} is the strategy params JSON object body. */
    public static SearchSpec spec(String name, String method, String params) {
        return validate(json(name, method, params));
    }

    public static String json(String name, String method, String params) {
        return """
                {"name": "%s", "seed": 7,
                 "space": {"type": "darts", "nodes": 2, "ops": ["none", "max_pool_3x3", "skip_connect",
                           "sep_conv_3x3", "dil_conv_3x3"], "channels": 4, "cellsPerStage": 1, "stages": 2},
                 "strategy": {"type": "%s", "params": {%s}},
                 "budget": {"evaluations": 1},
                 "fidelity": {"epochs": 2, "resolution": 14},
                 "trainer": {"type": "djl", "device": "cpu", "recipe": "recipes/oneshot-small.json"},
                 "data": {"format": "idx", "path": "activities/data/fashion-mnist-small", "dataFraction": 0.06,
                          "validationFraction": 0.3},
                 "artifacts": "target/supernet-tests/%s"}
                """.formatted(name, method, params, name);
    }

    public static SearchSpec validate(String json) {
        SpecValidation v = new SpecValidator().validate(json, "test");
        assertTrue(v.ok(), v.report());
        return v.effective();
    }

    /** Removes the artifacts of a test spec so it starts from scratch. */
    public static void clean(String name) throws java.io.IOException {
        CheckpointStore.deleteTree(Path.of("target/supernet-tests", name).toAbsolutePath());
    }
}
