package dev.vigil.jobs.graph;

import dev.vigil.output.Finding;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Counts findings per rule as job accumulators ({@code vigil.findings.PUM-001}, ...) so the command line can
 * show progress and summaries without reading the outputs back. Passes every finding through unchanged.
 */
public final class FindingTally extends RichMapFunction<Finding, Finding> {
    public static final String PREFIX = "vigil.findings.";

    private transient Map<String, LongCounter> byRule;

    @Override
    public void open(OpenContext ctx) {
        byRule = new HashMap<>();
    }

    @Override
    public Finding map(Finding f) {
        byRule.computeIfAbsent(f.getRuleId(), rule -> getRuntimeContext().getLongCounter(PREFIX + rule)).add(1);
        return f;
    }

    /** The per-rule counts among a job's accumulators, by rule id. */
    public static Map<String, Long> fromAccumulators(Map<String, Object> accumulators) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        accumulators.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && value instanceof Number n) {
                counts.put(name.substring(PREFIX.length()), n.longValue());
            }
        });
        return counts;
    }
}
