package dev.vigil.connectors.elasticsearch;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Flink sink that indexes records into one Elasticsearch index as whole documents under deterministic ids, in
 * bulk, with retries; a document re-sent after a restart overwrites itself, so at-least-once delivery with a flush
 * on every checkpoint yields effectively-once output. Written on the official Java client because there is no
 * Flink Elasticsearch connector for Flink 2.
 *
 * <pre>{@code
 * ElasticsearchOptions options = ElasticsearchOptions.builder().hosts("https://es:9200").apiKey(key).build();
 * cases.sinkTo(new ElasticsearchSink<>(options, options.index("cases"), new CaseDocuments()))
 *      .name("pum-cases index").uid("sink-pum-cases");
 * }</pre>
 * Records with the same id should reach the same subtask (key the stream by that id or by something that
 * determines it) so that their versions are written in order.
 *
 * @param <T> the record type
 */
public final class ElasticsearchSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final ElasticsearchOptions options;
    private final String index;
    private final DocumentSerializer<T> serializer;
    // Names this sink's counters; survives serialization to the task managers.
    private final String sinkId = UUID.randomUUID().toString();

    /**
     * @param options connection, bulk and retry options
     * @param index the full index name (e.g. {@code options.index("cases")})
     * @param serializer id and JSON of each record
     */
    public ElasticsearchSink(ElasticsearchOptions options, String index, DocumentSerializer<T> serializer) {
        this.options = Objects.requireNonNull(options, "options");
        this.index = Objects.requireNonNull(index, "index");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        if (index.isEmpty() || !index.equals(index.toLowerCase(Locale.ROOT)) || index.startsWith("_")
                || index.startsWith("-") || index.matches(".*[\\\\/*?\"<>| ,#:].*")) {
            throw new IllegalArgumentException("'" + index + "' is not a valid Elasticsearch index name");
        }
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new ElasticsearchSinkWriter<>(options, index, serializer, ElasticsearchConnection.open(options),
                context.getProcessingTimeService(), context.metricGroup(), SinkCounters.of(sinkId));
    }

    /** The index this sink writes. */
    public String index() {
        return index;
    }

    public ElasticsearchOptions options() {
        return options;
    }

    /** What this sink's writers in this JVM have done so far. */
    public SinkCounters counters() {
        return SinkCounters.of(sinkId);
    }
}
