package dev.nasflow.carried;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The order of strategy calls of an asynchronous search: {@code propose(k)} and {@code observe(result of candidate
 * g/i)} interleaved as results arrived. Records hold results by candidate (launch order); this log holds the arrival
 * order, so replaying it ({@link StrategyReplay#rebuildAsync}) rebuilds the strategy exactly after continue-as-new.
 *
 * <p>Carried deflated ({@link #data}): an op is one or two varints (propose: {@code 2k}; observe: {@code 2·zigzag(Δg)+1}
 * then the index), and a steady search repeats the same few bytes, so it packs to well under a byte per candidate.
 */
public final class ScheduleLog {
    private int[] ops = new int[64];
    private int size;
    private int lastGen;
    private int proposes;
    private int observes;

    public ScheduleLog() {
    }

    /** A strategy call, decoded. {@code k > 0}: propose(k); else observe the result of candidate gen/index. */
    public record Op(int k, int gen, int index) {
        public boolean propose() {
            return k > 0;
        }
    }

    public void propose(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("propose count must be >= 1, got " + k);
        }
        add(2 * k);
        proposes++;
    }

    public void observe(int gen, int index) {
        add(2 * zigzag(gen - lastGen) + 1);
        add(index);
        lastGen = gen;
        observes++;
    }

    public int observations() {
        return observes;
    }

    public int proposals() {
        return proposes;
    }

    private void add(int v) {
        if (size == ops.length) {
            ops = Arrays.copyOf(ops, size * 2);
        }
        ops[size++] = v;
    }

    /** Calls in order. */
    public java.util.List<Op> ops() {
        java.util.List<Op> out = new java.util.ArrayList<>(proposes + observes);
        int gen = 0;
        for (int i = 0; i < size; i++) {
            int v = ops[i];
            if ((v & 1) == 0) {
                out.add(new Op(v >>> 1, 0, 0));
            } else {
                gen += unzigzag(v >>> 1);
                out.add(new Op(0, gen, ops[++i]));
            }
        }
        return out;
    }

    // ---- carried form ----

    /** Deflated varints (base64 in JSON). */
    @JsonProperty("data")
    public byte[] data() {
        Bytes raw = new Bytes(size * 2 + 16);
        for (int i = 0; i < size; i++) {
            int v = ops[i];
            while ((v & ~0x7F) != 0) {
                raw.add((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            raw.add(v);
        }
        Deflater d = new Deflater(9);
        try {
            d.setInput(raw.toArray());
            d.finish();
            Bytes out = new Bytes(256);
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                out.add(buf, d.deflate(buf));
            }
            return out.toArray();
        } finally {
            d.end();
        }
    }

    @JsonCreator
    public static ScheduleLog of(@JsonProperty("data") byte[] data) {
        ScheduleLog log = new ScheduleLog();
        if (data == null || data.length == 0) {
            return log;
        }
        Inflater inf = new Inflater();
        try {
            inf.setInput(data);
            Bytes raw = new Bytes(data.length * 4 + 16);
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalArgumentException("schedule log: truncated data");
                }
                raw.add(buf, n);
            }
            byte[] b = raw.toArray();
            int i = 0;
            boolean second = false;
            while (i < b.length) {
                int v = 0;
                int shift = 0;
                int x;
                do {
                    if (i >= b.length || shift > 28) {
                        throw new IllegalArgumentException("schedule log: bad varint at byte " + i);
                    }
                    x = b[i++];
                    v |= (x & 0x7F) << shift;
                    shift += 7;
                } while ((x & 0x80) != 0);
                log.add(v);
                if (second) {
                    second = false;
                } else if ((v & 1) == 1) {
                    second = true;
                    log.lastGen += unzigzag(v >>> 1);
                    log.observes++;
                } else {
                    log.proposes++;
                }
            }
            if (second) {
                throw new IllegalArgumentException("schedule log: observe op without its index");
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("schedule log: corrupt data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
        return log;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return size == 0;
    }

    /** A growable byte array (workflow code uses no java.io). */
    private static final class Bytes {
        private byte[] b;
        private int n;

        Bytes(int capacity) {
            b = new byte[Math.max(16, capacity)];
        }

        void add(int v) {
            if (n == b.length) {
                b = Arrays.copyOf(b, n * 2);
            }
            b[n++] = (byte) v;
        }

        void add(byte[] src, int len) {
            if (n + len > b.length) {
                b = Arrays.copyOf(b, Math.max(n + len, n * 2));
            }
            System.arraycopy(src, 0, b, n, len);
            n += len;
        }

        byte[] toArray() {
            return Arrays.copyOf(b, n);
        }
    }

    private static int zigzag(int v) {
        return (v << 1) ^ (v >> 31);
    }

    private static int unzigzag(int v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
