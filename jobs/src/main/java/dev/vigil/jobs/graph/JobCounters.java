package dev.vigil.jobs.graph;

import java.util.Map;

/** Reads the graph's counting accumulators ({@code vigil.events}, ...) from a job's accumulator results. */
public final class JobCounters {
    private JobCounters() {}

    /** The named counter's value, or 0 when the job never counted it. */
    public static long get(Map<String, Object> accumulators, String name) {
        return accumulators.get(name) instanceof Number n ? n.longValue() : 0L;
    }
}
