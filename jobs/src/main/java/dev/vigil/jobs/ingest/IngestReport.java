package dev.vigil.jobs.ingest;

import dev.vigil.jobs.graph.JobCounters;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the graph's front door did, read from a job's accumulators: per input format the records read, normalized
 * (into at least one event), skipped and dead-lettered, and how many events' principals the directory resolved,
 * with the identities it did not know, busiest first. Replay, run and demo print it the same way.
 */
public record IngestReport(Map<String, FormatCount> formats, long resolved, long unresolved,
                           List<Map.Entry<String, Long>> topUnresolved, boolean identities) {
    public static final int TOP = 10;

    /** Records of one format; read = normalized + skipped + dead. */
    public record FormatCount(long read, long normalized, long skipped, long dead) {}

    @SuppressWarnings("unchecked")
    public static IngestReport from(Map<String, Object> accumulators) {
        Map<String, FormatCount> formats = new TreeMap<>();
        for (String name : accumulators.keySet()) {
            if (name.startsWith(EventParser.FORMAT_PREFIX) && name.endsWith(".read")) {
                String format = name.substring(EventParser.FORMAT_PREFIX.length(), name.length() - ".read".length());
                String p = EventParser.FORMAT_PREFIX + format;
                formats.put(format, new FormatCount(JobCounters.get(accumulators, p + ".read"),
                        JobCounters.get(accumulators, p + ".normalized"), JobCounters.get(accumulators, p + ".skipped"),
                        JobCounters.get(accumulators, p + ".dead")));
            }
        }
        Object ids = accumulators.get(EventParser.UNRESOLVED_IDS);
        List<Map.Entry<String, Long>> top = ids instanceof Map<?, ?> m
                ? ((Map<String, Long>) m).entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                        .limit(TOP).map(e -> Map.entry(e.getKey(), e.getValue())).toList()
                : List.of();
        return new IngestReport(formats, JobCounters.get(accumulators, EventParser.RESOLVED),
                JobCounters.get(accumulators, EventParser.UNRESOLVED), top,
                accumulators.containsKey(EventParser.RESOLVED) || accumulators.containsKey(EventParser.UNRESOLVED));
    }

    /** The per-format table and the identity line(s), each line starting with {@code indent}. */
    public void print(PrintWriter w, String indent) {
        if (!formats.isEmpty()) {
            int width = formats.keySet().stream().mapToInt(String::length).max().orElse(6);
            w.printf("%s%-" + width + "s  %10s %10s %10s %10s%n", indent, "format", "read", "normalized", "skipped", "dead");
            formats.entrySet().stream().sorted(Comparator.comparing(Map.Entry::getKey)).forEach(e -> w.printf(
                    "%s%-" + width + "s  %,10d %,10d %,10d %,10d%n", indent, e.getKey(), e.getValue().read(),
                    e.getValue().normalized(), e.getValue().skipped(), e.getValue().dead()));
        }
        if (identities) {
            w.printf("%sidentities: %,d events resolved to a directory principal, %,d unmapped%n", indent, resolved, unresolved);
            if (!topUnresolved.isEmpty()) {
                w.printf("%s  unmapped (top %d): %s%n", indent, TOP, String.join(", ",
                        topUnresolved.stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
            }
        }
    }
}
