package dev.nasflow.stopping;

import java.util.Optional;

/** The {@code none} rule: never stops anything (the baseline). */
public final class NoStopping implements StoppingRule {
    public static final NoStopping INSTANCE = new NoStopping();
    /** {@code none}: no parameters. */
    public static final StoppingRuleDescriptor DESCRIPTOR = StoppingRuleDescriptor.of("none", (v, s) -> INSTANCE);

    private NoStopping() {
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Optional<StopVerdict> onEpoch(CurvePoint p, CurveStore store) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return DESCRIPTOR.name();
    }
}
