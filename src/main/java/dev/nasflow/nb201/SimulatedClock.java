package dev.nasflow.nb201;

/**
 * Simulated seconds spent training, for table-driven benchmarks: starts at zero and moves only when told to (by the
 * simulated cost of each evaluation), never from the wall clock, so a run is reproducible to the last bit. Not
 * thread-safe: one clock per simulated run.
 */
public final class SimulatedClock {
    private double now;

    public SimulatedClock() {
        this(0.0);
    }

    public SimulatedClock(double start) {
        if (!Double.isFinite(start) || start < 0) {
            throw new IllegalArgumentException("clock start must be a finite number of seconds >= 0, got " + start);
        }
        this.now = start;
    }

    /** Simulated seconds elapsed. */
    public double now() {
        return now;
    }

    /** Moves the clock forward and returns the new time. */
    public double advance(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new IllegalArgumentException("a clock moves forward by a finite number of seconds >= 0, got "
                    + seconds);
        }
        now += seconds;
        return now;
    }

    /** True once {@code budgetSeconds} have been spent. */
    public boolean reached(double budgetSeconds) {
        return now >= budgetSeconds;
    }

    @Override
    public String toString() {
        return "SimulatedClock[" + now + " s]";
    }
}
