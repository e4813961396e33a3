package dev.nasflow.stopping;

import java.util.Optional;

/** The {@code none} rule: never stops anything (the baseline). */
public final class NoStopping implements StoppingRule {
    public static final NoStopping INSTANCE = new NoStopping();

    private NoStopping() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "none";
    }
}
