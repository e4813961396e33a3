package dev.nasflow.space;

/**
 * Analytic cost of an architecture for one input sample: trainable parameter count and forward-pass FLOPs, where one
 * multiply-accumulate counts as one FLOP (the convention of NAS-Bench-201 and most NAS papers, "MACs").
 */
public record Cost(long params, long flops) {
    public Cost plus(Cost o) {
        return new Cost(params + o.params, flops + o.flops);
    }

    /** This cost repeated {@code n} times (e.g. {@code n} identical cells). */
    public Cost times(long n) {
        return new Cost(params * n, flops * n);
    }

    public static final Cost ZERO = new Cost(0, 0);
}
