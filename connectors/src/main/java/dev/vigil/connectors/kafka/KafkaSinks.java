package dev.vigil.connectors.kafka;

import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.internals.TransactionalRequestResult;

import dev.vigil.event.DeadLetter;
import dev.vigil.output.PumCase;

/**
 * The Kafka sinks of Vigil's jobs, built from {@link KafkaOptions}: values in Avro single-object encoding, keys
 * UTF-8 strings, delivery at-least-once unless the options ask for exactly-once.
 *
 * <p>At-least-once is enough for Vigil's outputs: case ids and dead-letter origins are deterministic, so a record
 * written twice after a restore is the same record under the same key, and a reader (or a compacted topic) keeps
 * the latest per key. Exactly-once needs Kafka transactions, which the Flink Kafka connector drives through
 * internals of the Kafka client; {@link #exactlyOnceAvailable()} checks that those match.
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    /** Scored cases to the cases topic, keyed by {@code case_id}: every update of a case goes to one partition. */
    public static KafkaSink<PumCase> cases(KafkaOptions options) {
        return avroSink(options, options.casesTopic(), "cases", PumCase::getCaseId);
    }

    /** Dead letters to the dead-letter topic, keyed by {@code origin} ({@code file:line} or {@code topic/partition/offset}). */
    public static KafkaSink<DeadLetter> deadLetters(KafkaOptions options) {
        return avroSink(options, options.deadLetterTopic(), "dlq", DeadLetter::getOrigin);
    }

    /**
     * Whether the Kafka connector's transactional producer works with the Kafka client on the classpath. Its flush
     * calls the client's internal {@code TransactionalRequestResult.await()}; the Kafka 4.4 client replaced that
     * method with a timed one, so every transactional flush would fail with {@link NoSuchMethodError} and the job
     * would restart forever.
     */
    public static boolean exactlyOnceAvailable() {
        try {
            TransactionalRequestResult.class.getMethod("await");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static <T extends SpecificRecord> KafkaSink<T> avroSink(KafkaOptions options, String topic, String role,
            SerializableFunction<T, String> key) {
        KafkaRecordSerializationSchema<T> serializer = new WriteTimeRecords<>(KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new Utf8KeySerializationSchema<>(key))
                .setValueSerializationSchema(new AvroSingleObjectSerializationSchema<T>(topic))
                .build());
        Properties producer = options.clientProperties();
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(options.deliveryGuarantee());
        if (options.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            if (!exactlyOnceAvailable()) {
                throw new IllegalArgumentException("Exactly-once delivery to Kafka is not available: the Flink Kafka"
                        + " connector's transactional producer does not work with this Kafka client"
                        + " (TransactionalRequestResult.await() is gone). Use at-least-once: " + topic
                        + " is keyed by deterministic ids, so a repeated record replaces itself.");
            }
            // The connector's default transaction timeout (1 h) exceeds the brokers' default maximum (15 min),
            // which makes the first transaction fail; use the configured one unless a client property overrides it.
            producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    Long.toString(options.transactionTimeout().toMillis()));
            // Each sink needs its own transactional ids, or the cases and dead-letter sinks fence each other.
            builder.setTransactionalIdPrefix(options.transactionalIdPrefix() + "-" + role);
        }
        return builder.setKafkaProducerConfig(producer).build();
    }
}
