package dev.nasflow.cli;

import dev.nasflow.activity.CandidateTrainer;
import dev.nasflow.model.Trainers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The workers serve exactly the registered trainer types ({@link Trainers}), in registry order. */
class ServicesTest {
    @Test
    void workersServeEveryRegisteredTrainer() {
        assertEquals(Trainers.NAMES, Services.trainers().stream().map(CandidateTrainer::type).toList());
    }
}
