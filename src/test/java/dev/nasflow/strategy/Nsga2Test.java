package dev.nasflow.strategy;

import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.space.Genome;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Nsga2Test {
    private static final List<Direction> DIRS = List.of(Direction.MAXIMIZE, Direction.MINIMIZE);

    private static Nsga2 nsga(long seed, int population) {
        return (Nsga2) Strategies.create("nsga2", Synthetic.ctx(Synthetic.NB201, seed,
                Map.of("population", population), 1, 12, Synthetic.ACC, Synthetic.PARAMS));
    }

    @Test
    void returnedFrontIsNonDominatedAndCoversTheTradeOff() {
        Nsga2 s = nsga(1, 20);
        Synthetic.Recording r = new Synthetic.Recording(s);
        Synthetic.drive(r, 200, 12, true);
        assertTrue(s.generation() >= 5, "generations: " + s.generation());
        List<Observation> front = s.paretoFront();
        assertTrue(front.size() >= 3, "front of " + front.size());
        List<double[]> everything = new ArrayList<>();
        for (Observation o : r.observations()) {
            if (o.outcome().hasMetrics()) {
                everything.add(new double[] {o.metric("validAccuracy"), o.metric("params")});
            }
        }
        assertTrue(everything.size() < r.observations().size(), "some evaluations failed");
        for (Observation o : front) {
            assertTrue(o.outcome().hasMetrics());
            double[] f = {o.metric("validAccuracy"), o.metric("params")};
            for (double[] e : everything) {
                assertFalse(Pareto.dominates(e, f, DIRS), "front point " + o.genome() + " is dominated");
            }
        }
        double hv = Pareto.hypervolume(front.stream()
                .map(o -> new double[] {o.metric("validAccuracy"), o.metric("params")}).toList(),
                new double[] {0, 2}, DIRS);
        assertTrue(hv > 0);
    }

    @Test
    void selectionKeepsWholeFrontsThenTheLeastCrowded() {
        Genome g = Synthetic.NB201.random(new java.util.Random(1));
        List<Nsga2.Member> members = new ArrayList<>();
        double[][] pts = {{90, 5}, {80, 2}, {86, 3.5}, {70, 1}, {84, 4}, {75, 3}, {60, 6}};
        for (double[] p : pts) {
            members.add(new Nsga2.Member(g, p, 0, 0));
        }
        // Front 0 = {0,1,2,3} (4 points) fits; one of front 1 = {4,5} (both infinite crowding) → the first.
        List<Nsga2.Member> kept = Nsga2.select(members, 5, DIRS);
        assertEquals(5, kept.size());
        assertEquals(List.of(0, 0, 0, 0, 1), kept.stream().map(Nsga2.Member::rank).toList());
        assertEquals(84, kept.get(4).values()[0]);
        // Truncating front 0 to 3 keeps its two extremes (infinite crowding) and the most isolated inner point:
        // (80,2) has 16/20 + 2.5/4 = 1.425, (86,3.5) has 10/20 + 3/4 = 1.25.
        List<Nsga2.Member> three = Nsga2.select(members, 3, DIRS);
        assertEquals(List.of(90.0, 70.0, 80.0), three.stream().map(m -> m.values()[0]).toList());
        assertEquals(1.425, three.get(2).crowding(), 1e-12);
    }

    @Test
    void failedEvaluationsRankLast() {
        Genome g = Synthetic.NB201.random(new java.util.Random(2));
        List<Nsga2.Member> members = List.of(
                new Nsga2.Member(g, new double[] {Double.NaN, Double.NaN}, 0, 0),
                new Nsga2.Member(g, new double[] {10, 100}, 0, 0));
        List<Nsga2.Member> kept = Nsga2.select(members, 1, DIRS);
        assertEquals(10, kept.get(0).values()[0]);
    }

    @Test
    void worksWithASingleObjectiveAndWithThree() {
        Nsga2 one = (Nsga2) Strategies.create("nsga2", Synthetic.ctx(Synthetic.NB201, 3, Map.of(), 1, 12));
        Synthetic.drive(one, 60, 12, false);
        assertEquals(1, Pareto.nonDominated(one.paretoFront().stream()
                .map(o -> new double[] {o.metric("validAccuracy")}).toList(), List.of(Direction.MAXIMIZE)).size());
        Nsga2 three = (Nsga2) Strategies.create("nsga2", Synthetic.ctx(Synthetic.NB201, 3, Map.of(), 1, 12,
                Synthetic.ACC, Synthetic.PARAMS, new Objective("validLoss", Direction.MINIMIZE)));
        Synthetic.drive(three, 60, 12, false);
        // validLoss is never reported: every observation lacks it, so none is complete enough for the front.
        assertTrue(three.paretoFront().isEmpty());
    }
}
