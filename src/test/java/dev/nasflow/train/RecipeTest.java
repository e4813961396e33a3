package dev.nasflow.train;

import dev.nasflow.activity.NonRetryableTrainingException;
import dev.nasflow.spec.PathPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeTest {
    @TempDir
    Path home;

    @Test
    void defaultsDependOnTheDataFormat() {
        Recipe idx = Recipe.defaults("idx");
        assertEquals("sgd", idx.optimizer());
        assertEquals(0, idx.cropPadding());
        assertEquals(false, idx.horizontalFlip());
        Recipe cifar = Recipe.defaults("cifar10-binary");
        assertEquals(4, cifar.cropPadding());
        assertEquals(true, cifar.horizontalFlip());
    }

    @Test
    void cosineScheduleWithWarmup() {
        Recipe r = new Recipe("r", "sgd", 0.1, 0.0, null, null, null, null, null, "cosine", 1.0, null, null, null,
                null, null, null, null, null, null).withDefaults("idx");
        assertTrue(r.learningRateAt(0.5, 10) < 0.1 && r.learningRateAt(0.5, 10) > 0.04);
        assertEquals(0.1, r.learningRateAt(1.0, 10), 1e-9);
        assertEquals(0.05, r.learningRateAt(5.5, 10), 1e-9);
        assertEquals(0.0, r.learningRateAt(10, 10), 1e-9);
    }

    @Test
    void shippedRecipesLoadAndBadOnesNameTheField() throws Exception {
        PathPolicy shipped = new PathPolicy(Path.of(""), List.of());
        for (String name : List.of("recipes/fmnist-quick.json", "recipes/fmnist.json", "recipes/cifar10.json")) {
            assertTrue(Recipe.load(name, "idx", shipped).batchSize() > 0, name);
        }
        PathPolicy p = new PathPolicy(home, List.of());
        Path dir = Files.createDirectories(home.resolve("activities/recipes"));
        Files.writeString(dir.resolve("typo.json"), "{\"learningrate\": 0.1}");
        var e = assertThrows(NonRetryableTrainingException.class, () -> Recipe.load("recipes/typo.json", "idx", p));
        assertTrue(e.getMessage().contains("unknown field 'learningrate'"), e.getMessage());
        Files.writeString(dir.resolve("range.json"), "{\"optimizer\": \"lamb\", \"batchSize\": 0}");
        e = assertThrows(NonRetryableTrainingException.class, () -> Recipe.load("recipes/range.json", "idx", p));
        assertTrue(e.getMessage().contains("optimizer 'lamb'") && e.getMessage().contains("batchSize 0"),
                e.getMessage());
        e = assertThrows(NonRetryableTrainingException.class, () -> Recipe.load("../x.json", "idx", p));
        assertTrue(e.getMessage().startsWith("trainer.recipe"), e.getMessage());
    }

    @Test
    void augmentationIsSeededAndKeepsShapes() {
        byte[] px = new byte[2 * 8 * 8];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        ImageData d = new ImageData(1, 8, 8, 10, px, new int[] {3, 4});
        Batches b = new Batches(d, new float[] {0.5f}, new float[] {0.25f}, 2, true);
        int[] order = {0, 1};
        float[] a1 = b.images(order, 0, 2, new Random(1));
        float[] a2 = b.images(order, 0, 2, new Random(1));
        float[] plain = b.images(order, 0, 2, null);
        assertEquals(128, a1.length);
        assertArrayEquals(a1, a2);
        assertEquals((0 / 255f - 0.5f) / 0.25f, plain[0], 1e-6);
        assertArrayEquals(new float[] {3, 4}, b.labels(order, 0, 2));
    }
}
