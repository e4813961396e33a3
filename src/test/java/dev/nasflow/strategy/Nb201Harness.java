package dev.nasflow.strategy;

import dev.nasflow.model.Outcome;
import dev.nasflow.model.Direction;
import dev.nasflow.model.Objective;
import dev.nasflow.space.CellSpace;
import dev.nasflow.space.Genome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A throwaway measuring harness for strategy tuning (test scope; not a test and not the {@code nasflow bench} command):
 * runs a strategy under the NAS-Bench-201 protocol on the tables shipped in {@code src/main/resources/nb201}. The
 * search sees the 12-epoch CIFAR-10 validation accuracy and pays 12/200 of {@code train-all-time} per evaluation until
 * 12,000 simulated seconds are spent; the pick is the best 12-epoch architecture observed and its 200-epoch validation
 * accuracy is reported.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes dev.nasflow.strategy.Nb201Harness TYPE RUNS [param=value ...]
 * </pre>
 * ({@code -Dseed=S} sets the first seed, default 1; {@code -Dhist=true} prints how often each pick occurred).
 */
public final class Nb201Harness {
    static final CellSpace SPACE = CellSpace.nb201();
    static final double BUDGET_SECONDS = 12_000;
    final double[] acc12 = new double[15_625];
    final double[] acc200 = new double[15_625];
    final double[] time12 = new double[15_625];

    static int key(Genome g) {
        int k = 0;
        for (int i = 0; i < g.length(); i++) {
            k = k * 5 + g.choice(i);
        }
        return k;
    }

    Nb201Harness() throws IOException {
        try (BufferedReader r = open("/nb201/all-12ep.csv.gz")) {
            Map<String, Integer> col = header(r.readLine());
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                acc12[key(SPACE.parse(f[col.get("cellstr")]))] = Double.parseDouble(f[col.get("cifar10-val")]);
            }
        }
        try (BufferedReader r = open("/nb201/cifar10-200ep.csv.gz")) {
            Map<String, Integer> col = header(r.readLine());
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                int k = key(SPACE.parse(f[col.get("arch_str")]));
                acc200[k] = Double.parseDouble(f[col.get("valid-accuracy")]);
                time12[k] = Double.parseDouble(f[col.get("train-all-time")]) * 12 / 200;
            }
        }
    }

    private static BufferedReader open(String resource) throws IOException {
        InputStream in = Nb201Harness.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("missing classpath resource " + resource);
        }
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
    }

    private static Map<String, Integer> header(String h) {
        Map<String, Integer> m = new HashMap<>();
        String[] f = h.split(",");
        for (int i = 0; i < f.length; i++) {
            m.put(f[i], i);
        }
        return m;
    }

    /** One search: {200-epoch accuracy of the pick, evaluations, 12-epoch accuracy of the pick}. */
    double[] run(String type, long seed, Map<String, Object> params) {
        StrategyContext ctx = new StrategyContext(SPACE, List.of(new Objective("validAccuracy", Direction.MAXIMIZE)),
                seed, params, 12, 12);
        Strategy s = Strategies.create(type, ctx);
        double t = 0;
        double best = Double.NEGATIVE_INFINITY;
        int bestKey = -1;
        int evals = 0;
        while (t < BUDGET_SECONDS) {
            List<Proposal> p = s.propose(1);
            if (p.isEmpty()) {
                break;
            }
            Genome g = p.get(0).genome();
            int k = key(g);
            t += time12[k];
            evals++;
            if (acc12[k] > best) {
                best = acc12[k];
                bestKey = k;
            }
            s.observe(new Observation(g, 12, Map.of("validAccuracy", acc12[k]), Outcome.COMPLETED));
        }
        return new double[] {acc200[bestKey], evals, best};
    }

    public static void main(String[] args) throws IOException {
        Nb201Harness h = new Nb201Harness();
        String type = args[0];
        int runs = Integer.parseInt(args[1]);
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            Object v;
            if (kv[1].matches("-?\\d+")) {
                v = Integer.parseInt(kv[1]);
            } else if (kv[1].matches("-?\\d*\\.\\d+")) {
                v = Double.parseDouble(kv[1]);
            } else if (kv[1].equals("true") || kv[1].equals("false")) {
                v = Boolean.parseBoolean(kv[1]);
            } else {
                v = kv[1];
            }
            params.put(kv[0], v);
        }
        long first = Long.getLong("seed", 1);
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        double sum = 0;
        double sq = 0;
        double evals = 0;
        double best12 = 0;
        Map<Double, Integer> hist = new HashMap<>();
        for (int r = 0; r < runs; r++) {
            double[] res = h.run(type, first + r, params);
            sum += res[0];
            sq += res[0] * res[0];
            evals += res[1];
            best12 += res[2];
            hist.merge(res[2], 1, Integer::sum);
        }
        if (Boolean.getBoolean("hist")) {
            hist.entrySet().stream().sorted((a, b) -> Double.compare(b.getKey(), a.getKey())).limit(15)
                    .forEach(e -> System.out.printf("  pick12 %.3f x%d%n", e.getKey(), e.getValue()));
        }
        double mean = sum / runs;
        System.out.printf("%s %s seeds %d..%d: mean200=%.3f std=%.3f pick12=%.3f evals=%.1f cpu=%.1f ms/run%n", type,
                params, first, first + runs - 1, mean, Math.sqrt(Math.max(0, sq / runs - mean * mean)),
                best12 / runs, evals / runs,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e6 / runs);
    }
}
