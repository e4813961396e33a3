package dev.nasflow.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScalingBenchTest {
    private static ScalingBench.Config config(List<Integer> workers, List<Integer> pops) {
        return new ScalingBench.Config(workers, 2, 100, 2, 25, 5, pops, 10, 3, 50, 2000, Path.of("work"), "java", "cp");
    }

    @Test
    void acceptsTheDefaultsAndEmptyParts() {
        assertDoesNotThrow(() -> config(List.of(1, 2, 4), List.of(10, 50, 200)));
        assertDoesNotThrow(() -> config(List.of(), List.of(10, 50)));
        assertDoesNotThrow(() -> config(List.of(1), List.of()));
    }

    @Test
    void rejectsUnorderedWorkersAndSinglePopulation() {
        assertThrows(IllegalArgumentException.class, () -> config(List.of(2, 1), List.of()));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(0), List.of()));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(), List.of(50, 50)));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(), List.of(0, 10)));
    }
}
