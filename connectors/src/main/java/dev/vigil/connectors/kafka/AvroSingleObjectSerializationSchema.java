package dev.vigil.connectors.kafka;

import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

import dev.vigil.schema.kafka.AvroSingleObjectSerializer;

/**
 * Flink's side of {@link AvroSingleObjectSerializer}: the value of records a Kafka sink writes, so that
 * {@code AvroSingleObjectDeserializer} and the job's own Avro parser read them back without a schema registry.
 */
public final class AvroSingleObjectSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroSingleObjectSerializer<T> serializer;

    /** @param topic the topic written to, named in the error when a record cannot be encoded */
    public AvroSingleObjectSerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public void open(InitializationContext context) {
        serializer = new AvroSingleObjectSerializer<>();
    }

    @Override
    public byte[] serialize(T record) {
        if (serializer == null) {
            serializer = new AvroSingleObjectSerializer<>();
        }
        return serializer.serialize(topic, record);
    }
}
