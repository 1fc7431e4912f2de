package dev.vigil.jobs.stream;

import dev.vigil.connectors.elasticsearch.DocumentSerializer;
import dev.vigil.schema.json.AvroJson;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.function.SerializableFunction;

/** An output record as an Elasticsearch document: its deterministic id, and its canonical JSON. */
final class RecordDocuments<T extends SpecificRecord> implements DocumentSerializer<T> {
    private final SerializableFunction<T, String> id;

    RecordDocuments(SerializableFunction<T, String> id) {
        this.id = id;
    }

    @Override
    public String id(T doc) {
        return id.apply(doc);
    }

    @Override
    public byte[] json(T doc) {
        return AvroJson.toJsonBytes(doc);
    }
}
