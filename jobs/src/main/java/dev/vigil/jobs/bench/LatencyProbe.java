package dev.vigil.jobs.bench;

import dev.vigil.output.Finding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * End-to-end detection latency inside one JVM: the benchmark's publisher notes when each event went to Kafka,
 * and this probe, on the findings stream, measures how long after its last triggering event was published a
 * finding came out of the graph. Only meaningful on the embedded MiniCluster, which shares this JVM.
 */
final class LatencyProbe implements MapFunction<Finding, Finding> {
    private static final Map<String, Long> PUBLISHED_AT = new ConcurrentHashMap<>();
    private static final List<Long> LATENCIES_MS = Collections.synchronizedList(new ArrayList<>());

    static void published(String eventId, long wallMillis) {
        PUBLISHED_AT.put(eventId, wallMillis);
    }

    static void reset() {
        PUBLISHED_AT.clear();
        LATENCIES_MS.clear();
    }

    /** Sorted latencies of every finding whose events were all noted as published. */
    static List<Long> latencies() {
        synchronized (LATENCIES_MS) {
            List<Long> copy = new ArrayList<>(LATENCIES_MS);
            Collections.sort(copy);
            return copy;
        }
    }

    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    @Override
    public Finding map(Finding f) {
        long now = System.currentTimeMillis();
        long last = Long.MIN_VALUE;
        for (String id : f.getEventIds()) {
            Long at = PUBLISHED_AT.get(id);
            if (at == null) {
                return f;
            }
            last = Math.max(last, at);
        }
        if (last != Long.MIN_VALUE) {
            LATENCIES_MS.add(now - last);
        }
        return f;
    }
}
