package dev.nasflow.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where this JVM's CPU time goes during a measurement, by thread group (benchmark diagnostics): the Java threads'
 * CPU time grouped by name ({@link #group}), and {@code jvmInternal} = the process CPU time minus the Java threads'
 * (JIT compiler and GC threads, which the thread MXBean does not list), with the collectors' and the JIT
 * compilers' own elapsed-time counters ({@code gcMillis}, {@code jitMillis}) to tell the two apart. Threads that
 * start and end between two snapshots are missed (their time lands in {@code jvmInternal}).
 */
public final class ThreadCpu {
    /** Group names in report order. */
    public static final String[] GROUPS = {"kafkaBroker", "kafkaClients", "temporalWorker", "grpc", "temporalServer",
        "main", "other", "jvmInternal"};

    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> names;
    private final long processNanos;
    private final long gcMillis;
    private final long jitMillis;

    private ThreadCpu(Map<Long, Long> threadNanos, Map<Long, String> names, long processNanos, long gcMillis,
                      long jitMillis) {
        this.threadNanos = threadNanos;
        this.names = names;
        this.processNanos = processNanos;
        this.gcMillis = gcMillis;
        this.jitMillis = jitMillis;
    }

    /** The CPU time of every live Java thread and of the process, now. */
    public static ThreadCpu snapshot() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> t = new HashMap<>();
        Map<Long, String> n = new HashMap<>();
        if (mx.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = mx.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    t.put(info.getThreadId(), cpu);
                    n.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMs = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        return new ThreadCpu(t, n, SearchRun.cpuNanos(), gc, jitMs);
    }

    /** The group of a thread by its name. */
    static String group(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        if (s.startsWith("kafka-producer") || s.startsWith("kafka-admin") || s.contains("kafka-coordinator")
                || s.startsWith("kafka-consumer")) {
            return "kafkaClients";
        }
        if (s.contains("kafka") || s.startsWith("quorum-controller") || s.startsWith("broker-")
                || s.startsWith("controller-") || s.startsWith("expirationreaper") || s.startsWith("group-coordinator")
                || s.startsWith("share-") || s.startsWith("transaction") || s.startsWith("txnmarker")
                || s.startsWith("addpartitions") || s.startsWith("logdirfailure") || s.contains("raft")
                || s.startsWith("executor-") || s.startsWith("metadata")) {
            return "kafkaBroker";
        }
        if (s.startsWith("grpc-") || s.contains("netty")) {
            return "grpc";
        }
        if (s.contains("activity") || s.contains("workflow") || s.startsWith("worker-")
                || s.startsWith("generic-wf-client") || s.startsWith("temporal-")) {
            return "temporalWorker";
        }
        if (s.contains("testservice") || s.contains("timer") || s.contains("selfadvancingtimer")) {
            return "temporalServer";
        }
        if (s.equals("main")) {
            return "main";
        }
        return "other";
    }

    /**
     * Milliseconds of CPU per candidate by group between {@code before} and this snapshot, for {@code candidates}
     * candidates.
     */
    public Map<String, Object> since(ThreadCpu before, int candidates) {
        Map<String, Double> ms = new LinkedHashMap<>();
        for (String g : GROUPS) {
            ms.put(g, 0.0);
        }
        long threadsTotal = 0;
        for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
            long d = e.getValue() - before.threadNanos.getOrDefault(e.getKey(), 0L);
            if (d <= 0) {
                continue;
            }
            threadsTotal += d;
            ms.merge(group(names.get(e.getKey())), d / 1e6, Double::sum);
        }
        if (processNanos >= 0 && before.processNanos >= 0) {
            ms.put("jvmInternal", Math.max(0, (processNanos - before.processNanos - threadsTotal) / 1e6));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : ms.entrySet()) {
            out.put(e.getKey(), Stats.round(e.getValue() / Math.max(1, candidates), 3));
        }
        // elapsed (not CPU) milliseconds per candidate that the collectors and the JIT compilers report
        out.put("gcMillis", Stats.round((double) (gcMillis - before.gcMillis) / Math.max(1, candidates), 3));
        if (jitMillis >= 0 && before.jitMillis >= 0) {
            out.put("jitMillis", Stats.round((double) (jitMillis - before.jitMillis) / Math.max(1, candidates), 3));
        }
        return out;
    }
}
