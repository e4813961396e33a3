package dev.nasflow.activity;

/**
 * Called by a training session after every step (batch, or pacing slice). The activity heartbeats from here, so a
 * cancellation surfaces as an exception thrown by {@link #onStep()} at the next step.
 */
@FunctionalInterface
public interface StepListener {
    void onStep();

    StepListener NONE = () -> {
    };
}
