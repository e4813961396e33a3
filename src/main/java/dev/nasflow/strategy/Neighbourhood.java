package dev.nasflow.strategy;

import dev.nasflow.space.AbstractSpace;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;

import java.util.ArrayList;
import java.util.List;

/** Single-decision neighbours of an architecture, for any {@link SearchSpace}. */
final class Neighbourhood {
    private Neighbourhood() {
    }

    /** All valid architectures differing from {@code g} in exactly one decision, in a fixed order. */
    static List<Genome> of(SearchSpace space, Genome g) {
        if (space instanceof AbstractSpace a) {
            return a.neighbours(g);
        }
        List<Genome> out = new ArrayList<>();
        for (int d = 0; d < space.decisions().size(); d++) {
            for (int o = 0; o < space.decisions().get(d).size(); o++) {
                if (o != g.choice(d)) {
                    Genome m = g.with(d, o);
                    if (space.isValid(m)) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }
}
