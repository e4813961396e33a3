package dev.nasflow.train;

import ai.djl.nn.Parameter;
import dev.nasflow.space.Genome;
import dev.nasflow.model.SearchSpec;
import dev.nasflow.model.RankedCandidate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPOS: single-path steps touch only their path, and candidates are ranked with inherited weights. */
class SposSupernetTest {
    static double mean(List<RankedCandidate> rs) {
        return rs.stream().mapToDouble(RankedCandidate::validAccuracy).average().orElse(Double.NaN);
    }

    @Test
    void singlePathStepsUpdateOnlyThatPathAndCandidatesAreRankedWithInheritedWeights() throws Exception {
        String name = "spos-unit";
        SupernetFixtures.clean(name);
        SearchSpec spec = SupernetFixtures.spec(name, "spos",
                "\"supernetEpochs\": 10, \"candidates\": 6, \"calibrationBatches\": 2, \"retrainEpochs\": 0");
        try (SupernetSession s = SupernetSession.open("s-" + name, spec, SupernetFixtures.PATHS)) {
            Supernet net = s.parts().net();
            assertFalse(net.hasAlpha(), "SPOS has no α");
            assertThrows(IllegalStateException.class, s::derive);

            Genome path = s.space().random(new Random(5));
            List<Parameter> on = net.pathParameters(path);
            List<Parameter> off = new ArrayList<>(net.weightParameters());
            off.removeAll(on);
            assertFalse(off.isEmpty(), "ops off the path exist");
            float[] on0 = DartsSupernetTest.snapshot(on);
            float[] off0 = DartsSupernetTest.snapshot(off);
            int n = 8;
            float[][] batch = DartsSupernetTest.batch(n, 1);
            float[] x = batch[0];
            float[] y = batch[1];
            s.steps().stepWeights(x, y, n, 0.01, path);
            assertTrue(DartsSupernetTest.maxDiff(on0, DartsSupernetTest.snapshot(on)) > 0, "path weights move");
            assertEquals(0.0, DartsSupernetTest.maxDiff(off0, DartsSupernetTest.snapshot(off)),
                    "weights off the path stay");

            double untrained = mean(s.rank(6, 2, () -> { }));
            for (int e = 1; e <= 10; e++) {
                Map<String, Double> m = s.trainEpoch(() -> { });
                assertTrue(Double.isFinite(m.get("trainLoss")), m.toString());
            }
            s.checkpoint();

            List<RankedCandidate> ranking = s.rank(6, 2, () -> { });
            assertEquals(6, ranking.size());
            Set<Genome> distinct = new HashSet<>();
            for (int i = 0; i < ranking.size(); i++) {
                RankedCandidate r = ranking.get(i);
                assertTrue(s.space().isValid(r.genome()));
                assertTrue(distinct.add(r.genome()), "distinct candidates");
                assertTrue(r.validAccuracy() >= 0 && r.validAccuracy() <= 100);
                if (i > 0) {
                    assertTrue(ranking.get(i - 1).validAccuracy() >= r.validAccuracy(), "best first");
                }
            }
            System.out.println("SPOS ranking: " + ranking.stream().map(r -> String.format("%.1f %s",
                    r.validAccuracy(), r.arch())).toList());
            double trained = mean(ranking);
            System.out.printf("SPOS mean inherited-weight accuracy of the 6 candidates: untrained %.1f, trained %.1f%n",
                    untrained, trained);
            assertTrue(trained > untrained, "training the supernet raises the candidates' inherited-weight accuracy");
            assertTrue(ranking.get(0).validAccuracy() > 12, "the best inherited-weight candidate beats chance (10%)");
            // recalibration is deterministic per candidate: the same path scores the same again
            RankedCandidate best = ranking.get(0);
            assertEquals(best.validAccuracy(), s.evaluator().evaluatePath(best.genome(), 2, () -> { })[1], 1e-9);
        }
    }
}
