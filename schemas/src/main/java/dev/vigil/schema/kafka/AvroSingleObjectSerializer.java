package dev.vigil.schema.kafka;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;

import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Vigil's generated Avro records to Kafka in Avro single-object encoding: a two-byte marker, the writer
 * schema's 64-bit fingerprint, then the Avro binary body. Every record names its own schema, so no schema registry
 * is needed to read it back with {@link AvroSingleObjectDeserializer}.
 *
 * <p>Thread-safe: one instance may serve a producer shared between threads.
 */
public final class AvroSingleObjectSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** The generated class's own encoder, found once per record class (in practice there is one). */
    private static final ClassValue<BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected BinaryMessageEncoder<SpecificRecord> computeValue(Class<?> type) {
            try {
                return (BinaryMessageEncoder<SpecificRecord>) type.getMethod("getEncoder").invoke(null);
            } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
                throw new SerializationException(type.getName()
                        + " is not an Avro-generated class with a static getEncoder(): " + e);
            }
        }
    };

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        ByteBuffer encoded;
        try {
            encoded = ENCODERS.get(record.getClass()).encode(record);
        } catch (Exception e) {
            // Avro reports a missing required field as a bare NPE or AvroRuntimeException; name the record and topic.
            throw new SerializationException("Cannot encode " + record.getClass().getSimpleName() + " for topic "
                    + topic + ": " + e, e);
        }
        return toArray(encoded);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
