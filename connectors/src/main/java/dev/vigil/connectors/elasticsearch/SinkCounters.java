package dev.vigil.connectors.elasticsearch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Document counts of one {@link ElasticsearchSink}, summed over all its writers in this JVM (all parallel subtasks
 * of a local MiniCluster), so tests and the demo can read them without a metrics reporter. The same numbers go
 * to Flink's metrics of each writer.
 */
public final class SinkCounters {

    private static final Map<String, SinkCounters> BY_SINK = new ConcurrentHashMap<>();

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deduplicated = new AtomicLong();
    private final AtomicLong bulkRequests = new AtomicLong();

    SinkCounters() {
    }

    static SinkCounters of(String sinkId) {
        return BY_SINK.computeIfAbsent(sinkId, id -> new SinkCounters());
    }

    /** Documents Elasticsearch acknowledged. */
    public long written() {
        return written.get();
    }

    /** Documents sent again after a retryable failure (once per resend). */
    public long retried() {
        return retried.get();
    }

    /** Documents rejected for good or given up on after the last retry. */
    public long failed() {
        return failed.get();
    }

    /** Documents never sent because a later version with the same id replaced them in the buffer. */
    public long deduplicated() {
        return deduplicated.get();
    }

    /** Bulk requests answered by Elasticsearch (retries included). */
    public long bulkRequests() {
        return bulkRequests.get();
    }

    void addWritten(long n) {
        written.addAndGet(n);
    }

    void addRetried(long n) {
        retried.addAndGet(n);
    }

    void addFailed(long n) {
        failed.addAndGet(n);
    }

    void addDeduplicated(long n) {
        deduplicated.addAndGet(n);
    }

    void addBulkRequest() {
        bulkRequests.incrementAndGet();
    }

    @Override
    public String toString() {
        return "written=" + written() + " retried=" + retried() + " failed=" + failed() + " deduplicated="
                + deduplicated() + " bulkRequests=" + bulkRequests();
    }
}
