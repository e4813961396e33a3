package dev.nasflow.space;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Objects;

/**
 * An architecture: the option index chosen for each decision of a search space. Immutable and small, so it travels in
 * workflow payloads. Space-specific meaning (canonical string, cost, encodings) comes from the {@link SearchSpace}
 * named by {@link #space()}.
 */
public final class Genome {
    private final String space;
    private final int[] choices;

    @JsonCreator
    public Genome(@JsonProperty("space") String space, @JsonProperty("choices") int[] choices) {
        this.space = Objects.requireNonNull(space, "space");
        this.choices = Objects.requireNonNull(choices, "choices").clone();
    }

    @JsonProperty("space")
    public String space() {
        return space;
    }

    /** A copy of the choice vector. */
    @JsonProperty("choices")
    public int[] choices() {
        return choices.clone();
    }

    public int length() {
        return choices.length;
    }

    public int choice(int decision) {
        return choices[decision];
    }

    /** A new genome with one decision changed. */
    public Genome with(int decision, int option) {
        int[] c = choices.clone();
        c[decision] = option;
        return new Genome(space, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genome g && g.space.equals(space) && Arrays.equals(g.choices, choices);
    }

    @Override
    public int hashCode() {
        return 31 * space.hashCode() + Arrays.hashCode(choices);
    }

    @Override
    public String toString() {
        return space + Arrays.toString(choices);
    }
}
