package dev.nasflow.strategy;

import dev.nasflow.model.ParamConflict;
import dev.nasflow.model.ParamDef;
import dev.nasflow.space.Genome;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A strategy added the way any strategy is: this one file (its behaviour and its {@link #DESCRIPTOR}) and one
 * registration line ({@code Strategies.register(ToyStrategy.DESCRIPTOR)}, in {@link ToyStrategyTest}). It proposes
 * random architectures in batches of {@code low..high} (cycling), to have two parameters and a rule between them.
 */
final class ToyStrategy implements Strategy {
    static final StrategyDescriptor DESCRIPTOR = StrategyDescriptor.of("toy",
                    (ctx, p, predictor) -> new ToyStrategy(ctx, p.integer("low"), p.integer("high"), p.bool("loud")),
                    ParamDef.integer("low", 1, 100, 1, "smallest batch of random architectures"),
                    ParamDef.integer("high", 1, 100, 5, "largest batch of random architectures"),
                    ParamDef.bool("loud", false, "a parameter nobody reads"))
            .withCheck((p, written) -> p.integer("low") <= p.integer("high") ? null
                    : new ParamConflict(written.contains("low") ? "low" : "high", "low (" + p.integer("low")
                    + ") is above high (" + p.integer("high") + ")", "make low <= high"));

    final StrategyContext ctx;
    final int low;
    final int high;
    final boolean loud;
    private final Random rng;

    ToyStrategy(StrategyContext ctx, int low, int high, boolean loud) {
        this.ctx = ctx;
        this.low = low;
        this.high = high;
        this.loud = loud;
        this.rng = new Random(ctx.seed());
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public List<Proposal> propose(int n) {
        List<Proposal> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Genome g = ctx.space().random(rng);
            out.add(new Proposal(g, ctx.maxEpochs()));
        }
        return out;
    }

    @Override
    public void observe(Observation observation) {
        // learns nothing
    }
}
