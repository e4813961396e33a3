package dev.nasflow.carried;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.CandidateTask;
import dev.nasflow.model.GenerationRecord;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nasflow.space.Genome;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.model.Outcome;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The finished generations of a search in the compact form carried across continue-as-new (and sent to the Propose
 * activity): 8–36 bytes per result in JSON for NAS-Bench-201 table results (about 145 at worst with real training:
 * arbitrary metric values and a stop reason per result) instead of about 530 as JSON records.
 *
 * <p>Lossless: {@link #decode(SearchSpace)} gives back records equal to the encoded ones, so the strategy replayed from
 * them makes the same picks and the leaderboard shows the same values. What is dropped is recomputed: the candidate id
 * ({@code <searchId>-g<generation>-c<index>}), the arch string ({@link SearchSpace#canonical}) and its hash
 * ({@link SearchSpace#hash}) — a value that differs from its recomputation is stored as an exception, so even then
 * nothing is lost. Layout (format 1): varints (zigzag for values that could be negative), a string table and columns
 * (indices, genome choices, epochs, outcomes, then one column per metric name, then reasons, sim seconds, wall
 * millis, resume epochs and attempts), compressed with {@link Deflater} at level 9 (zlib format, Adler-32 checked on
 * decode). A double is stored as a short decimal (digits and scale, 0–6 decimals) when that reads back bit for bit,
 * else as its 8 raw bytes.
 *
 * <p>Determinism: encoding is a pure function of the records and the space (no maps with unordered iteration, the
 * string table is sorted); Deflater output is a pure function of its input and settings for one zlib build. Temporal
 * does not compare the payload of a continue-as-new command on replay, and any zlib inflates any other's output, so
 * workers on different JDK builds interoperate.
 *
 * @param format      layout version (1)
 * @param searchId    prefix of the derived candidate ids
 * @param generations number of generation records
 * @param results     number of results
 * @param data        the deflated columns (base64 in JSON)
 */
public record CarriedResults(int format, String searchId, int generations, int results, byte[] data) {
    static final int FORMAT = 1;
    private static final int MAX_DECIMALS = 6;
    private static final double[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};
    private static final long EXACT_LONG = 1L << 53;

    @JsonCreator
    public CarriedResults(@JsonProperty("format") int format, @JsonProperty("searchId") String searchId,
                          @JsonProperty("generations") int generations, @JsonProperty("results") int results,
                          @JsonProperty("data") byte[] data) {
        this.format = format;
        this.searchId = searchId == null ? "" : searchId;
        this.generations = generations;
        this.results = results;
        this.data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Compressed size in bytes (before base64). */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CarriedResults c && c.format == format && c.searchId.equals(searchId)
                && c.generations == generations && c.results == results && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return (31 * searchId.hashCode() + results) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CarriedResults[format=" + format + ", searchId=" + searchId + ", generations=" + generations
                + ", results=" + results + ", bytes=" + data.length + "]";
    }

    // ---- encode ----

    public static CarriedResults encode(String searchId, SearchSpace space, List<GenerationRecord> history) {
        List<CandidateResult> all = new ArrayList<>();
        List<Integer> generationOf = new ArrayList<>();
        for (GenerationRecord g : history) {
            for (CandidateResult r : g.results()) {
                all.add(r);
                generationOf.add(g.generation());
            }
        }
        // string table: every string the records use, sorted (deterministic), index 0 = null reference
        TreeSet<String> strings = new TreeSet<>();
        TreeSet<String> metricNames = new TreeSet<>();
        for (CandidateResult r : all) {
            strings.add(r.outcome().name());
            strings.add(r.reason());
            if (r.genome() != null) {
                strings.add(r.genome().space());
            }
            metricNames.addAll(r.metrics().keySet());
        }
        strings.addAll(metricNames);
        List<int[]> idExceptions = new ArrayList<>();
        List<String[]> textExceptions = new ArrayList<>(); // {ordinal, field, value}
        for (int i = 0; i < all.size(); i++) {
            CandidateResult r = all.get(i);
            String derivedArch = r.genome() == null ? null : space.canonical(r.genome());
            String derivedHash = r.genome() == null ? null : space.hash(r.genome());
            if (!java.util.Objects.equals(r.candidateId(), CandidateTask.id(searchId, r.generation(), r.index()))) {
                textExceptions.add(new String[]{Integer.toString(i), "id", r.candidateId()});
            }
            if (!java.util.Objects.equals(r.arch(), derivedArch)) {
                textExceptions.add(new String[]{Integer.toString(i), "arch", r.arch()});
            }
            if (!java.util.Objects.equals(r.archHash(), derivedHash)) {
                textExceptions.add(new String[]{Integer.toString(i), "hash", r.archHash()});
            }
            if (r.generation() != generationOf.get(i)) {
                idExceptions.add(new int[]{i, r.generation()});
            }
        }
        for (String[] e : textExceptions) {
            if (e[2] != null) {
                strings.add(e[2]);
            }
        }
        List<String> table = new ArrayList<>(strings);
        Map<String, Integer> ref = new HashMap<>();
        for (int i = 0; i < table.size(); i++) {
            ref.put(table.get(i), i + 1);
        }

        Bytes out = new Bytes();
        out.varint(FORMAT);
        out.varint(table.size());
        for (String s : table) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.varint(b.length);
            out.bytes(b);
        }
        out.varint(history.size());
        for (GenerationRecord g : history) {
            out.varint(g.generation());
            out.varint(g.requested());
            out.varint(g.results().size());
        }
        for (CandidateResult r : all) {
            out.zigzag(r.index());
        }
        for (CandidateResult r : all) {
            if (r.genome() == null) {
                out.varint(0);
                continue;
            }
            out.varint(ref.get(r.genome().space()));
            int[] c = r.genome().choices();
            out.varint(c.length);
            for (int v : c) {
                out.zigzag(v);
            }
        }
        for (CandidateResult r : all) {
            out.zigzag(r.epochsRequested());
            out.zigzag(r.epochsTrained());
        }
        for (CandidateResult r : all) {
            out.varint(ref.get(r.outcome().name()));
        }
        // which metrics each result has: names as a bit set over the sorted metric names
        List<String> names = new ArrayList<>(metricNames);
        out.varint(names.size());
        for (String n : names) {
            out.varint(ref.get(n));
        }
        for (CandidateResult r : all) {
            for (int k = 0; k < names.size(); k += 7) {
                int bits = 0;
                for (int j = 0; j < 7 && k + j < names.size(); j++) {
                    if (r.metrics().containsKey(names.get(k + j))) {
                        bits |= 1 << j;
                    }
                }
                out.put(bits);
            }
        }
        for (String n : names) {
            for (CandidateResult r : all) {
                Double v = r.metrics().get(n);
                if (v != null) {
                    out.number(v);
                }
            }
        }
        for (CandidateResult r : all) {
            out.varint(ref.get(r.reason()));
        }
        for (CandidateResult r : all) {
            out.number(r.simSeconds());
        }
        for (CandidateResult r : all) {
            out.zigzag(r.wallMillis());
        }
        for (CandidateResult r : all) {
            out.zigzag(r.resumedFromEpoch());
            out.zigzag(r.attempts());
        }
        out.varint(idExceptions.size());
        for (int[] e : idExceptions) {
            out.varint(e[0]);
            out.zigzag(e[1]);
        }
        out.varint(textExceptions.size());
        for (String[] e : textExceptions) {
            out.varint(Integer.parseInt(e[0]));
            out.varint(switch (e[1]) {
                case "id" -> 0;
                case "arch" -> 1;
                default -> 2;
            });
            out.varint(e[2] == null ? 0 : ref.get(e[2]));
        }
        return new CarriedResults(FORMAT, searchId, history.size(), all.size(), deflate(out.toArray()));
    }

    // ---- decode ----

    public List<GenerationRecord> decode(SearchSpace space) {
        if (format != FORMAT) {
            throw new IllegalArgumentException("carried results: unknown format " + format + " (this worker reads "
                    + FORMAT + "; run a worker of the version that wrote it)");
        }
        Reader in = new Reader(inflate(data));
        if (in.varint() != FORMAT) {
            throw new IllegalArgumentException("carried results: format mismatch in the data");
        }
        int tableSize = in.varint();
        String[] table = new String[tableSize + 1];
        for (int i = 1; i <= tableSize; i++) {
            table[i] = new String(in.bytes(in.varint()), StandardCharsets.UTF_8);
        }
        int nGen = in.varint();
        int[][] gens = new int[nGen][];
        int n = 0;
        for (int g = 0; g < nGen; g++) {
            gens[g] = new int[]{in.varint(), in.varint(), in.varint()};
            n += gens[g][2];
        }
        if (nGen != generations || n != results) {
            throw new IllegalArgumentException("carried results: header says " + generations + " generations / "
                    + results + " results, data holds " + nGen + " / " + n);
        }
        int[] generation = new int[n];
        for (int g = 0, i = 0; g < nGen; g++) {
            for (int k = 0; k < gens[g][2]; k++) {
                generation[i++] = gens[g][0];
            }
        }
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = in.int32();
        }
        Genome[] genome = new Genome[n];
        for (int i = 0; i < n; i++) {
            int s = in.varint();
            if (s == 0) {
                continue;
            }
            int[] c = new int[in.varint()];
            for (int k = 0; k < c.length; k++) {
                c[k] = in.int32();
            }
            genome[i] = new Genome(table[s], c);
        }
        int[] epochsRequested = new int[n];
        int[] epochsTrained = new int[n];
        for (int i = 0; i < n; i++) {
            epochsRequested[i] = in.int32();
            epochsTrained[i] = in.int32();
        }
        Outcome[] outcome = new Outcome[n];
        for (int i = 0; i < n; i++) {
            outcome[i] = Outcome.valueOf(table[in.varint()]);
        }
        String[] names = new String[in.varint()];
        for (int k = 0; k < names.length; k++) {
            names[k] = table[in.varint()];
        }
        boolean[][] has = new boolean[n][names.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < names.length; k += 7) {
                int bits = in.u8();
                for (int j = 0; j < 7 && k + j < names.length; j++) {
                    has[i][k + j] = (bits & (1 << j)) != 0;
                }
            }
        }
        List<TreeMap<String, Double>> metrics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            metrics.add(new TreeMap<>());
        }
        for (int k = 0; k < names.length; k++) {
            for (int i = 0; i < n; i++) {
                if (has[i][k]) {
                    metrics.get(i).put(names[k], in.number());
                }
            }
        }
        String[] reason = new String[n];
        for (int i = 0; i < n; i++) {
            reason[i] = table[in.varint()];
        }
        double[] sim = new double[n];
        for (int i = 0; i < n; i++) {
            sim[i] = in.number();
        }
        long[] wall = new long[n];
        for (int i = 0; i < n; i++) {
            wall[i] = in.zigzag();
        }
        int[] resumed = new int[n];
        int[] attempts = new int[n];
        for (int i = 0; i < n; i++) {
            resumed[i] = in.int32();
            attempts[i] = in.int32();
        }
        int[] candidateGeneration = generation.clone();
        for (int e = in.varint(); e > 0; e--) {
            candidateGeneration[in.varint()] = in.int32();
        }
        String[] id = new String[n];
        String[] arch = new String[n];
        String[] hash = new String[n];
        boolean[][] overridden = new boolean[n][3];
        for (int e = in.varint(); e > 0; e--) {
            int i = in.varint();
            int field = in.varint();
            String value = table[in.varint()];
            overridden[i][field] = true;
            switch (field) {
                case 0 -> id[i] = value;
                case 1 -> arch[i] = value;
                default -> hash[i] = value;
            }
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("carried results: trailing data");
        }
        List<GenerationRecord> out = new ArrayList<>(nGen);
        for (int g = 0, i = 0; g < nGen; g++) {
            List<CandidateResult> rs = new ArrayList<>(gens[g][2]);
            for (int k = 0; k < gens[g][2]; k++, i++) {
                String cid = overridden[i][0] ? id[i] : CandidateTask.id(searchId, candidateGeneration[i], index[i]);
                String a = overridden[i][1] ? arch[i] : genome[i] == null ? null : space.canonical(genome[i]);
                String h = overridden[i][2] ? hash[i] : genome[i] == null ? null : space.hash(genome[i]);
                rs.add(new CandidateResult(cid, candidateGeneration[i], index[i], genome[i], a, h,
                        epochsRequested[i], epochsTrained[i], outcome[i], metrics.get(i), reason[i], sim[i],
                        wall[i], resumed[i], attempts[i]));
            }
            out.add(new GenerationRecord(gens[g][0], gens[g][1], rs));
        }
        return out;
    }

    // ---- compression ----

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, false);
        try {
            d.setStrategy(Deflater.DEFAULT_STRATEGY);
            d.setInput(raw);
            d.finish();
            Bytes out = new Bytes();
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                int k = d.deflate(buf);
                out.bytes(Arrays.copyOf(buf, k));
            }
            return out.toArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] packed) {
        Inflater inf = new Inflater(false);
        try {
            inf.setInput(packed);
            Bytes out = new Bytes();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalArgumentException("carried results: truncated data");
                }
                out.bytes(Arrays.copyOf(buf, k));
            }
            return out.toArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("carried results: corrupt data (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }

    // ---- byte-level helpers ----

    /** Growable byte array (java.io streams are off limits in workflow code). */
    static final class Bytes {
        private byte[] buf = new byte[1024];
        private int len;

        void put(int b) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = (byte) b;
        }

        void bytes(byte[] b) {
            if (len + b.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
            }
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void varint(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("carried results: negative value " + v + " where a count is due");
            }
            while ((v & ~0x7FL) != 0) {
                put((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            put((int) v);
        }

        void zigzag(long v) {
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                put((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            put((int) z);
        }

        /** Tag 0–6: a decimal with that many decimals (zigzag digits follow); tag 7: the 8 raw bytes. */
        void number(double v) {
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                for (int k = 0; k <= MAX_DECIMALS; k++) {
                    double scaled = v * POW10[k];
                    if (Math.abs(scaled) >= EXACT_LONG) {
                        break;
                    }
                    long m = Math.round(scaled);
                    if (Double.compare(m / POW10[k], v) == 0) {
                        put(k);
                        zigzag(m);
                        return;
                    }
                }
            }
            put(7);
            long bits = Double.doubleToRawLongBits(v);
            for (int s = 0; s < 64; s += 8) {
                put((int) (bits >>> s));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int u8() {
            if (pos >= buf.length) {
                throw new IllegalArgumentException("carried results: data ends early");
            }
            return buf[pos++] & 0xFF;
        }

        byte[] bytes(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalArgumentException("carried results: data ends early");
            }
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        private long raw() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("carried results: varint too long");
        }

        int varint() {
            long v = raw();
            if (v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("carried results: count out of range");
            }
            return (int) v;
        }

        long zigzag() {
            long z = raw();
            return (z >>> 1) ^ -(z & 1);
        }

        int int32() {
            long v = zigzag();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("carried results: value out of range");
            }
            return (int) v;
        }

        double number() {
            int tag = u8();
            if (tag <= MAX_DECIMALS) {
                return zigzag() / POW10[tag];
            }
            if (tag != 7) {
                throw new IllegalArgumentException("carried results: bad number tag " + tag);
            }
            long bits = 0;
            for (int s = 0; s < 64; s += 8) {
                bits |= (long) u8() << s;
            }
            return Double.longBitsToDouble(bits);
        }

        boolean atEnd() {
            return pos == buf.length;
        }
    }
}
