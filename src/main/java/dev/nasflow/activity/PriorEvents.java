package dev.nasflow.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nasflow.carried.WarmStartPriors;
import dev.nasflow.model.Objective;
import dev.nasflow.model.Outcome;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;
import dev.nasflow.spec.Defaults;
import dev.nasflow.strategy.Prior;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payloads of the {@code WARM_START_PRIORS} search event of a warm start: what the live surrogate service needs to
 * pre-train a search's architecture model on its priors. Per prior that completed its full fidelity and has a finite
 * value of the primary metric: {@code archHash}, {@code arch}, {@code encoding} (the path encoding, as the candidate
 * events carry it), {@code value} (the primary metric as measured, not oriented) and {@code transferred}; in the order
 * the strategy receives them (same-task priors first, each group best first).
 *
 * <p>Bounded: the priors are split into chunks of at most {@link #MAX_PAYLOAD_BYTES} of JSON each (one event in the
 * usual case: 200 NB201 priors are about 90 kB), at most {@link #MAX_CHUNKS} of them; priors beyond that, or a single
 * prior larger than a chunk, are left out and counted ({@link Plan#leftOut}), so the caller can say so.
 */
final class PriorEvents {
    /** JSON bytes of the priors of one event at most (Kafka's default record limit is 1 MB). */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    /** Events of one warm start at most (with {@code warmStart.top} ≤ 2000 only huge encodings come near it). */
    static final int MAX_CHUNKS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PriorEvents() {
    }

    /**
     * The events' payloads and what was left out.
     *
     * @param payloads  one per event, in order ({@code chunk} 0..{@code chunks}-1)
     * @param published priors in the payloads
     * @param notFinal  priors without a final value of the primary metric (not completed), not published
     * @param leftOut   usable priors left out to keep the events bounded
     */
    record Plan(List<Map<String, Object>> payloads, int published, int notFinal, int leftOut) {
    }

    static Plan plan(SearchSpec specIn, WarmStartPriors priors) {
        return plan(specIn, priors, MAX_PAYLOAD_BYTES, MAX_CHUNKS);
    }

    static Plan plan(SearchSpec specIn, WarmStartPriors priors, int maxBytes, int maxChunks) {
        SearchSpec spec = Defaults.apply(specIn);
        SearchSpace space = Spaces.create(spec.space());
        Objective primary = spec.primary();
        List<List<Map<String, Object>>> chunks = new ArrayList<>();
        List<Map<String, Object>> current = new ArrayList<>();
        int bytes = 2; // the list's brackets
        int published = 0;
        int notFinal = 0;
        int leftOut = 0;
        for (Prior p : priors.priors(space)) {
            Double v = p.metrics().get(primary.metric());
            if (p.outcome() != Outcome.COMPLETED || v == null || !Double.isFinite(v)) {
                notFinal++;
                continue;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("archHash", space.hash(p.genome()));
            item.put("arch", space.canonical(p.genome()));
            item.put("encoding", space.pathEncoding(p.genome()));
            item.put("value", v);
            item.put("transferred", p.transferred());
            int size = size(item) + 1; // and its comma
            if (2 + size > maxBytes) {
                leftOut++;
                continue;
            }
            if (bytes + size > maxBytes) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 2;
            }
            if (chunks.size() >= maxChunks) {
                leftOut++;
                continue;
            }
            current.add(item);
            bytes += size;
            published++;
        }
        if (!current.isEmpty() && chunks.size() < maxChunks) {
            chunks.add(current);
        }
        List<Map<String, Object>> payloads = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("primaryMetric", primary.metric());
            payload.put("direction", primary.direction().json());
            payload.put("sameTaskPriors", priors.sameTask());
            payload.put("transferredPriors", priors.transferred());
            payload.put("sourceSearches", spec.warmStart() == null || spec.warmStart().searches() == null
                    ? List.of() : spec.warmStart().searches());
            payload.put("chunk", i);
            payload.put("chunks", chunks.size());
            payload.put("priors", chunks.get(i));
            payloads.add(payload);
        }
        return new Plan(payloads, published, notFinal, leftOut);
    }

    private static int size(Object o) {
        try {
            return JSON.writeValueAsBytes(o).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("warm-start prior cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
