package dev.nasflow.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StopLatencyStatsTest {
    @Test
    void nearestRankPercentiles() {
        List<Long> v = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            v.add(i);
        }
        Collections.shuffle(v, new java.util.Random(1));
        StopLatencyBench.Stats s = StopLatencyBench.Stats.of(v);
        assertEquals(new StopLatencyBench.Stats(100, 50, 90, 99, 100), s);
        assertEquals(new StopLatencyBench.Stats(1, 7, 7, 7, 7), StopLatencyBench.Stats.of(List.of(7L)));
        assertEquals(new StopLatencyBench.Stats(0, 0, 0, 0, 0), StopLatencyBench.Stats.of(List.of()));
        // 22 samples: p99 is the largest, p50 the 11th
        List<Long> w = new ArrayList<>();
        for (long i = 1; i <= 22; i++) {
            w.add(i * 10);
        }
        StopLatencyBench.Stats t = StopLatencyBench.Stats.of(w);
        assertEquals(110, t.p50());
        assertEquals(220, t.p99());
    }
}
