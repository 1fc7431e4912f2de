package dev.vigil.connectors.normalize;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.AvroRuntimeException;

/** Canonical events in Avro single-object encoding, as they travel on the {@code pum.events} topic. */
public final class AvroNormalizer implements Normalizer {
    public static final String FORMAT = "avro";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        try {
            PrivilegedEvent event = PrivilegedEvent.fromByteBuffer(ByteBuffer.wrap(record.payload));
            if (event.getPrincipal() == null) {
                throw new InvalidRecordException("missing principal");
            }
            return List.of(event);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidRecordException("not a canonical Avro event: " + oneLine(e));
        }
    }

    /** Single-object encoding (C3 01) carrying the fingerprint of the PrivilegedEvent schema. */
    @Override
    public boolean recognizes(byte[] firstRecord) {
        if (firstRecord.length < 10 || firstRecord[0] != (byte) 0xC3 || firstRecord[1] != (byte) 0x01) {
            return false;
        }
        long fingerprint = ByteBuffer.wrap(firstRecord, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return fingerprint == org.apache.avro.SchemaNormalization.parsingFingerprint64(PrivilegedEvent.getClassSchema());
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
