package dev.nasflow.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchScalingCommandTest {
    @Test
    void parsesCountLists() {
        assertEquals(List.of(1, 2, 4), BenchScalingCommand.ints("--workers", "1, 2,4"));
        assertEquals(List.of(), BenchScalingCommand.ints("--workers", "none"));
        assertEquals(List.of(), BenchScalingCommand.ints("--workers", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchScalingCommand.ints("--populations", "10,x"));
        assertTrue(e.getMessage().startsWith("--populations: 'x'"), e.getMessage());
    }
}
