package dev.nasflow.strategy;

import dev.nasflow.model.Direction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Multi-objective utilities over points given as raw objective values plus one {@link Direction} per objective:
 * Pareto dominance, the non-dominated subset, fast non-dominated sorting and crowding distance (Deb et al. 2002), and
 * the hypervolume dominated by a point set up to a reference point (exact: a sweep in 2-D, slicing by the last
 * objective in higher dimensions, which is fine for the small fronts of a search). A NaN value counts as the worst
 * possible value of its objective.
 */
public final class Pareto {
    private Pareto() {
    }

    private static double oriented(double v, Direction d) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : d.oriented(v);
    }

    private static void check(double[] p, List<Direction> directions) {
        if (p.length != directions.size()) {
            throw new IllegalArgumentException("point has " + p.length + " objectives, expected " + directions.size());
        }
    }

    /** True when {@code a} is at least as good as {@code b} in every objective and strictly better in at least one. */
    public static boolean dominates(double[] a, double[] b, List<Direction> directions) {
        check(a, directions);
        check(b, directions);
        boolean strictly = false;
        for (int i = 0; i < a.length; i++) {
            double x = oriented(a[i], directions.get(i));
            double y = oriented(b[i], directions.get(i));
            if (x < y) {
                return false;
            }
            if (x > y) {
                strictly = true;
            }
        }
        return strictly;
    }

    /** Indices (ascending) of the points no other point dominates. Equal points do not dominate each other. */
    public static List<Integer> nonDominated(List<double[]> points, List<Direction> directions) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < points.size() && !dominated; j++) {
                dominated = j != i && dominates(points.get(j), points.get(i), directions);
            }
            if (!dominated) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Fast non-dominated sort: the fronts of the point set, best first; each front lists point indices ascending. Front
     * 0 is {@link #nonDominated}, front 1 what is non-dominated once front 0 is removed, and so on.
     */
    public static List<List<Integer>> sort(List<double[]> points, List<Direction> directions) {
        int n = points.size();
        List<List<Integer>> dominatedBy = new ArrayList<>(n);
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            dominatedBy.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(points.get(i), points.get(j), directions)) {
                    dominatedBy.get(i).add(j);
                    count[j]++;
                } else if (dominates(points.get(j), points.get(i), directions)) {
                    dominatedBy.get(j).add(i);
                    count[i]++;
                }
            }
        }
        List<List<Integer>> fronts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (count[i] == 0) {
                current.add(i);
            }
        }
        while (!current.isEmpty()) {
            fronts.add(current);
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                for (int j : dominatedBy.get(i)) {
                    if (--count[j] == 0) {
                        next.add(j);
                    }
                }
            }
            next.sort(null);
            current = next;
        }
        return fronts;
    }

    /**
     * Crowding distance of each member of {@code front} (same order): per objective, the members are sorted, the two
     * extremes get infinity and each inner member adds the gap between its neighbours divided by the objective's range
     * on the front (objectives with zero range add nothing). Fronts of one or two points are all infinite.
     */
    public static double[] crowding(List<double[]> points, List<Integer> front, List<Direction> directions) {
        int m = front.size();
        double[] d = new double[m];
        if (m <= 2) {
            Arrays.fill(d, Double.POSITIVE_INFINITY);
            return d;
        }
        Integer[] order = new Integer[m];
        for (int k = 0; k < directions.size(); k++) {
            final int obj = k;
            final Direction dir = directions.get(k);
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> oriented(points.get(front.get(i))[obj], dir)));
            double lo = oriented(points.get(front.get(order[0]))[obj], dir);
            double hi = oriented(points.get(front.get(order[m - 1]))[obj], dir);
            d[order[0]] = Double.POSITIVE_INFINITY;
            d[order[m - 1]] = Double.POSITIVE_INFINITY;
            double range = hi - lo;
            if (!(range > 0) || !Double.isFinite(range)) {
                continue;
            }
            for (int i = 1; i < m - 1; i++) {
                double prev = oriented(points.get(front.get(order[i - 1]))[obj], dir);
                double next = oriented(points.get(front.get(order[i + 1]))[obj], dir);
                d[order[i]] += (next - prev) / range;
            }
        }
        return d;
    }

    /**
     * The hypervolume (Lebesgue measure) of the region that the points dominate and that dominates the reference point.
     * Points not strictly better than the reference in every objective contribute nothing.
     */
    public static double hypervolume(List<double[]> points, double[] reference, List<Direction> directions) {
        check(reference, directions);
        int dims = directions.size();
        List<double[]> gains = new ArrayList<>();
        for (double[] p : points) {
            check(p, directions);
            double[] g = new double[dims];
            boolean inside = true;
            for (int i = 0; i < dims && inside; i++) {
                g[i] = oriented(p[i], directions.get(i)) - directions.get(i).oriented(reference[i]);
                inside = g[i] > 0 && Double.isFinite(g[i]);
            }
            if (inside) {
                gains.add(g);
            }
        }
        return volume(gains, dims);
    }

    /** Volume of the union of boxes [0, g] for the given positive corners, over the first {@code dims} coordinates. */
    private static double volume(List<double[]> boxes, int dims) {
        if (boxes.isEmpty()) {
            return 0;
        }
        if (dims == 1) {
            double max = 0;
            for (double[] b : boxes) {
                max = Math.max(max, b[0]);
            }
            return max;
        }
        if (dims == 2) {
            List<double[]> s = new ArrayList<>(boxes);
            s.sort((a, b) -> Double.compare(b[0], a[0]));
            double area = 0;
            double top = 0;
            for (double[] b : s) {
                if (b[1] > top) {
                    area += b[0] * (b[1] - top);
                    top = b[1];
                }
            }
            return area;
        }
        int last = dims - 1;
        List<double[]> s = new ArrayList<>(boxes);
        s.sort((a, b) -> Double.compare(b[last], a[last]));
        double vol = 0;
        int i = 0;
        while (i < s.size()) {
            double level = s.get(i)[last];
            int j = i;
            while (j < s.size() && s.get(j)[last] == level) {
                j++;
            }
            double below = j < s.size() ? s.get(j)[last] : 0;
            vol += (level - below) * volume(s.subList(0, j), last);
            i = j;
        }
        return vol;
    }
}
