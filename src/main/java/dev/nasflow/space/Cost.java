package dev.nasflow.space;

/**
 * Analytic cost of an architecture for one input sample: trainable parameter count and forward-pass FLOPs, where one
 * multiply-accumulate counts as one FLOP (the convention of NAS-Bench-201 and most NAS papers, "MACs").
 */
public record Cost(long params, long flops) {
    public Cost plus(Cost o) {
        return new Cost(params + o.params, flops + o.flops);
    }

    public static final Cost ZERO = new Cost(0, 0);
}
