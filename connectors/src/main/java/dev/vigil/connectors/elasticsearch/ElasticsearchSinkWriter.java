package dev.vigil.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * The per-subtask writer of {@link ElasticsearchSink}: buffers documents by id and sends them as bulk index
 * requests when the buffer is full, when the oldest has waited the flush interval, and whenever Flink asks for a
 * flush (before every checkpoint and at end of input). Everything it accepted before a checkpoint is therefore in
 * Elasticsearch when that checkpoint completes; together with deterministic ids this gives effectively-once output.
 * All calls, timers included, run on the task's mailbox thread, so the buffer needs no locking.
 */
final class ElasticsearchSinkWriter<T> implements SinkWriter<T> {

    static final String METRIC_WRITTEN = "documentsWritten";
    static final String METRIC_RETRIED = "documentsRetried";
    static final String METRIC_FAILED = "documentsFailed";
    static final String METRIC_DEDUPLICATED = "documentsDeduplicated";

    private final String index;
    private final DocumentSerializer<T> serializer;
    private final ElasticsearchClient client;
    private final ProcessingTimeService time;
    private final long flushIntervalMs;
    private final BulkBuffer buffer;
    private final BulkRetry retry;
    private final ElasticsearchBulkSender sender;
    private final SinkCounters counters;
    private final Counter deduplicatedMetric;
    private boolean timerPending;
    private boolean closed;

    ElasticsearchSinkWriter(ElasticsearchOptions options, String index, DocumentSerializer<T> serializer,
                            ElasticsearchClient client, ProcessingTimeService time, SinkWriterMetricGroup metricGroup,
                            SinkCounters counters) {
        this.index = index;
        this.serializer = serializer;
        this.client = client;
        this.time = time;
        this.flushIntervalMs = options.flushIntervalMs();
        this.buffer = new BulkBuffer(options.bulkMaxActions(), options.bulkMaxBytes());
        this.counters = counters;
        this.sender = new ElasticsearchBulkSender(client, index);
        this.deduplicatedMetric = metricGroup.counter(METRIC_DEDUPLICATED);
        this.retry = new BulkRetry(index, options.maxRetries(), options.initialBackoffMs(), Thread::sleep,
                new WriterMetrics(metricGroup, counters));
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        String id = serializer.id(element);
        if (id == null || id.isEmpty()) {
            throw new IOException("a document for Elasticsearch index '" + index + "' has no id: " + element);
        }
        byte[] json = serializer.json(element);
        if (json == null) {
            throw new IOException("document '" + id + "' for Elasticsearch index '" + index + "' has no JSON");
        }
        if (buffer.add(id, singleLine(json), time.getCurrentProcessingTime())) {
            counters.addDeduplicated(1);
            deduplicatedMetric.inc();
        }
        if (buffer.isFull()) {
            sendBuffer();
        } else {
            scheduleFlushTimer();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        sendBuffer();
    }

    @Override
    public void close() throws Exception {
        // No send here: Flink flushes before a checkpoint and at end of input; a writer closed without that is
        // being torn down after a failure, and its buffer is replayed from the last checkpoint.
        closed = true;
        client.close();
    }

    private void scheduleFlushTimer() {
        if (flushIntervalMs <= 0 || timerPending || buffer.isEmpty()) {
            return;
        }
        timerPending = true;
        time.registerTimer(buffer.firstAddedAt() + flushIntervalMs, this::onFlushTimer);
    }

    private void onFlushTimer(long now) throws IOException, InterruptedException {
        timerPending = false;
        if (closed) {
            return;
        }
        // The buffer may have been sent and refilled since the timer was set: only send what has waited long enough.
        if (buffer.isDue(now, flushIntervalMs)) {
            sendBuffer();
        } else {
            scheduleFlushTimer();
        }
    }

    private void sendBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<BufferedDocument> documents = buffer.drain();
        retry.send(documents, sender);
    }

    /**
     * Bulk bodies are newline-delimited, so a document must sit on one line. In valid JSON a raw CR or LF can only
     * be whitespace between tokens (inside strings they are escaped), and UTF-8 never uses those bytes inside a
     * multi-byte character, so replacing them with spaces keeps the document intact.
     */
    static byte[] singleLine(byte[] json) {
        byte[] out = null;
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                if (out == null) {
                    out = json.clone();
                }
                out[i] = ' ';
            }
        }
        return out == null ? json : out;
    }

    /** Reports to the writer's Flink metric group and to the sink's shared counters. */
    private static final class WriterMetrics implements BulkMetrics {
        private final SinkWriterMetricGroup group;
        private final SinkCounters counters;
        private final Counter written;
        private final Counter retried;
        private final Counter failed;
        private volatile long lastSendTimeMs;

        WriterMetrics(SinkWriterMetricGroup group, SinkCounters counters) {
            this.group = group;
            this.counters = counters;
            this.written = group.counter(METRIC_WRITTEN);
            this.retried = group.counter(METRIC_RETRIED);
            this.failed = group.counter(METRIC_FAILED);
            group.setCurrentSendTimeGauge(() -> lastSendTimeMs);
        }

        @Override
        public void written(int documents) {
            written.inc(documents);
            group.getNumRecordsSendCounter().inc(documents);
            counters.addWritten(documents);
        }

        @Override
        public void retried(int documents) {
            retried.inc(documents);
            counters.addRetried(documents);
        }

        @Override
        public void failed(int documents) {
            failed.inc(documents);
            group.getNumRecordsSendErrorsCounter().inc(documents);
            counters.addFailed(documents);
        }

        @Override
        public void requestSent(long bytes, long millis) {
            group.getNumBytesSendCounter().inc(bytes);
            lastSendTimeMs = millis;
            counters.addBulkRequest();
        }
    }
}
