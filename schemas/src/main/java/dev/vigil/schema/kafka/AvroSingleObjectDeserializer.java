package dev.vigil.schema.kafka;

import java.io.EOFException;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one Vigil record type from Avro single-object encoding, as written by {@link AvroSingleObjectSerializer}.
 * Input that is not such a record fails with a {@link SerializationException} whose one-line message names the
 * problem (bad magic, unknown fingerprint, truncated, malformed body), so the caller can dead-letter it with a reason.
 *
 * <p>Thread-safe: the generated decoder keeps its buffers per thread.
 */
public final class AvroSingleObjectDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    /** Single-object encoding: marker C3 01, 8-byte little-endian CRC-64-AVRO fingerprint, then the body. */
    private static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    private final Class<T> type;
    private final BinaryMessageDecoder<T> decoder;
    private final Schema schema;
    private final long fingerprint;

    /** A deserializer for {@code type}, an Avro-generated class (it must have a static {@code getDecoder()}). */
    @SuppressWarnings("unchecked")
    public AvroSingleObjectDeserializer(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
        try {
            this.decoder = (BinaryMessageDecoder<T>) type.getMethod("getDecoder").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException(type.getName()
                    + " is not an Avro-generated class with a static getDecoder()", e);
        }
        this.schema = SpecificData.getForClass(type).getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The record type this deserializer reads. */
    public Class<T> type() {
        return type;
    }

    /** The schema fingerprint a payload must carry to be read by this deserializer. */
    public long fingerprint() {
        return fingerprint;
    }

    /** Kafka's entry point: {@code null} (a tombstone) stays {@code null}; anything else must be a valid record. */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return decode(data);
    }

    /**
     * Decodes one payload.
     *
     * @throws SerializationException with a one-line reason when the bytes are not a record of this type
     */
    public T decode(byte[] data) {
        Objects.requireNonNull(data, "data");
        checkHeader(data);
        checkBody(data);
        try {
            return decoder.decode(data);
        } catch (Exception e) {
            throw failure("malformed body: " + rootMessage(e), e);
        }
    }

    private void checkHeader(byte[] data) {
        // Check the marker first: for foreign bytes (JSON, another encoding) "bad magic" is the useful reason,
        // even when they are also shorter than a header.
        if ((data.length > 0 && data[0] != MAGIC_0) || (data.length > 1 && data[1] != MAGIC_1)) {
            throw failure(String.format("bad magic: starts with %s, expected 0xC3 0x01", hexPrefix(data)), null);
        }
        if (data.length < HEADER_LENGTH) {
            throw failure("truncated: " + data.length + " bytes, shorter than the " + HEADER_LENGTH
                    + "-byte single-object header", null);
        }
        long found = littleEndianLong(data, 2);
        if (found != fingerprint) {
            throw failure(String.format("unknown schema fingerprint 0x%016x, expected 0x%016x", found, fingerprint),
                    null);
        }
    }

    /**
     * Walks the body against the schema without building anything. Avro's reader allocates a string, byte array or
     * array at the length the payload claims before reading it, so a corrupt length of a few GB behind a valid
     * header would exhaust the heap; skipping checks every length against the bytes actually there. The same pass
     * catches bytes left over after the record.
     */
    private void checkBody(byte[] data) {
        BinaryDecoder body = DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
        try {
            GenericDatumReader.skip(schema, body);
            if (!body.isEnd()) {
                throw failure("malformed body: bytes left over after the record (" + data.length + " bytes in all)",
                        null);
            }
        } catch (SerializationException e) {
            throw e;
        } catch (Exception e) {
            if (causedBy(e, EOFException.class)) {
                throw failure("truncated: the body ends early (" + data.length + " bytes in all)", e);
            }
            throw failure("malformed body: " + rootMessage(e), e);
        }
    }

    private SerializationException failure(String reason, Throwable cause) {
        return new SerializationException("Not a " + type.getSimpleName() + " in Avro single-object encoding: "
                + reason, cause);
    }

    private static long littleEndianLong(byte[] data, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (data[offset + i] & 0xFFL);
        }
        return value;
    }

    private static String hexPrefix(byte[] data) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(2, data.length); i++) {
            if (i > 0) {
                hex.append(' ');
            }
            hex.append(String.format("0x%02X", data[i]));
        }
        return hex.toString();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return (message == null ? root.getClass().getSimpleName() : message).replace('\n', ' ');
    }
}
