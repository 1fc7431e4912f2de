package dev.vigil.connectors.kafka;

import java.util.Objects;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.vigil.connectors.RawRecord;

/**
 * Hands each Kafka record to the graph as a {@link RawRecord}, bytes untouched, with its origin
 * {@code topic/partition/offset}. It never fails: parsing happens downstream, where a bad record becomes a dead
 * letter instead of a source crash and restart loop.
 */
public final class KafkaRawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    private final String format;

    /** @param format how the payloads are to be read downstream, e.g. {@code avro} */
    public KafkaRawRecordDeserializer(String format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /** The origin recorded for a Kafka record, e.g. {@code pum.events/1/4711}. */
    public static String origin(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        // A tombstone (null value) has no event in it; an empty payload lets the parser say so with its origin.
        byte[] payload = record.value() == null ? EMPTY : record.value();
        out.collect(new RawRecord(origin(record.topic(), record.partition(), record.offset()), format, payload));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
