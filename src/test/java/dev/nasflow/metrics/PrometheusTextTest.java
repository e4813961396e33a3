package dev.nasflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Merging the scrapes of a supervisor's child processes into one valid exposition. */
class PrometheusTextTest {
    @Test
    void eachFamilyOnceWithEverySlotsSamplesLabelled() {
        String a = """
                # HELP jobs_total Jobs.
                # TYPE jobs_total counter
                jobs_total{role="worker"} 3.0
                # HELP up Up.
                # TYPE up gauge
                up 1.0
                """;
        String b = """
                # HELP jobs_total Jobs.
                # TYPE jobs_total counter
                jobs_total{role="worker"} 5.0
                # HELP lat_seconds Latency.
                # TYPE lat_seconds histogram
                lat_seconds_bucket{le="0.1"} 1
                lat_seconds_bucket{le="+Inf"} 2
                lat_seconds_count 2
                lat_seconds_sum 0.3
                """;
        String merged = PrometheusText.merge("worker_slot", List.of(new PrometheusText.Scrape("0", a),
                new PrometheusText.Scrape("1", b)));
        assertEquals("""
                # HELP jobs_total Jobs.
                # TYPE jobs_total counter
                jobs_total{worker_slot="0",role="worker"} 3.0
                jobs_total{worker_slot="1",role="worker"} 5.0
                # HELP up Up.
                # TYPE up gauge
                up{worker_slot="0"} 1.0
                # HELP lat_seconds Latency.
                # TYPE lat_seconds histogram
                lat_seconds_bucket{worker_slot="1",le="0.1"} 1
                lat_seconds_bucket{worker_slot="1",le="+Inf"} 2
                lat_seconds_count{worker_slot="1"} 2
                lat_seconds_sum{worker_slot="1"} 0.3
                """, merged);
    }

    @Test
    void mergesRealMicrometerScrapes() {
        String[] texts = new String[2];
        for (int i = 0; i < 2; i++) {
            PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Counter.builder("nasflow.candidates.started").tag("role", "worker").register(r).increment(i + 1);
            Timer.builder("nasflow.epoch").publishPercentileHistogram().register(r).record(Duration.ofMillis(20));
            texts[i] = r.scrape();
            r.close();
        }
        String merged = PrometheusText.merge("worker_slot", List.of(new PrometheusText.Scrape("0", texts[0]),
                new PrometheusText.Scrape("1", texts[1])));
        assertEquals(1, merged.split("# TYPE nasflow_candidates_started_total ", -1).length - 1, merged);
        assertEquals(1, merged.split("# TYPE nasflow_epoch_seconds ", -1).length - 1, merged);
        assertTrue(merged.contains("nasflow_candidates_started_total{worker_slot=\"0\",role=\"worker\"} 1.0"),
                merged);
        assertTrue(merged.contains("nasflow_candidates_started_total{worker_slot=\"1\",role=\"worker\"} 2.0"),
                merged);
        for (String line : merged.split("\n")) {
            assertTrue(line.startsWith("#") || line.contains("worker_slot=\""), line);
        }
    }

    @Test
    void rejectsABadLabelName() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.merge("worker-slot", List.of()));
    }
}
