package dev.vigil.connectors.kafka;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records with the time they are produced as their Kafka timestamp, not the Flink record's event time.
 *
 * <p>Event time is in the payload (a case's, a finding's, a dead letter's own fields). As a Kafka timestamp it would
 * be wrong twice over: old for a replayed history, which retention would delete at once, and ahead of the wall clock
 * for a finding decided at a grant's future window end, which brokers refuse
 * ({@code message.timestamp.after.max.ms}, one hour by default since Kafka 4.0), failing the job.
 */
final class WriteTimeRecords<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final KafkaRecordSerializationSchema<T> inner;

    WriteTimeRecords(KafkaRecordSerializationSchema<T> inner) {
        this.inner = inner;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        inner.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        // A null timestamp lets the producer stamp the record when it sends it.
        return inner.serialize(element, context, null);
    }
}
