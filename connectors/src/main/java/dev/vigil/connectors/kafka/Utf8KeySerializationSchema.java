package dev.vigil.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The Kafka key of a record a sink writes: one of its string fields in UTF-8. Kafka partitions by key, so all
 * records with one key (all updates of one case) land in one partition, in order, and compaction keeps the latest.
 */
public final class Utf8KeySerializationSchema<T> implements SerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final SerializableFunction<T, String> key;

    public Utf8KeySerializationSchema(SerializableFunction<T, String> key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public byte[] serialize(T record) {
        String value = key.apply(record);
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
