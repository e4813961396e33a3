package dev.nasflow.spec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestTest {
    static final List<String> FIELDS = List.of("evaluations", "simulatedSeconds", "realSeconds", "generations",
            "populationSize", "maxConcurrent");

    @Test
    void findsCloseWords() {
        assertEquals(Optional.of("evaluations"), Suggest.closest("evaluation", FIELDS));
        assertEquals(Optional.of("populationSize"), Suggest.closest("population_size", FIELDS));
        assertEquals(Optional.of("maxConcurrent"), Suggest.closest("MaxConcurent", FIELDS));
        assertEquals(Optional.of("nsga2"), Suggest.closest("nsga-2", List.of("rea", "nsga2")));
        assertEquals(Optional.of("generations"), Suggest.closest("genreations", FIELDS));
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertEquals(Optional.empty(), Suggest.closest("colour", FIELDS));
        assertEquals(Optional.empty(), Suggest.closest("x", List.of("abc")));
        assertEquals("", Suggest.didYouMean("", FIELDS));
    }
}
