package dev.vigil.connectors.normalize;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;

/**
 * Canonical events in Avro single-object encoding, as they travel on the {@code pum.events} topic. Events written
 * with an earlier release's schema (a different fingerprint) are still read, into the current record.
 */
public final class AvroNormalizer implements Normalizer {
    public static final String FORMAT = "avro";

    /** PrivilegedEvent schemas of earlier releases whose events may still sit on Kafka or in files. */
    private static final List<String> EARLIER = List.of("/dev/vigil/event/PrivilegedEvent.v1.avsc");

    /** Every schema an event may have been written with, by fingerprint: the current one and the earlier ones. */
    private static final Map<Long, Schema> WRITERS = Stream.concat(Stream.of(PrivilegedEvent.getClassSchema()),
                    EARLIER.stream().map(AvroNormalizer::load))
            .collect(Collectors.toMap(SchemaNormalization::parsingFingerprint64, Function.identity(), (a, b) -> a));

    private static final BinaryMessageDecoder<PrivilegedEvent> DECODER = decoder();

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        try {
            PrivilegedEvent event = DECODER.decode(ByteBuffer.wrap(record.payload));
            if (event.getPrincipal() == null) {
                throw new InvalidRecordException("missing principal");
            }
            return List.of(event);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidRecordException("not a canonical Avro event: " + oneLine(e));
        }
    }

    /** Single-object encoding (C3 01) carrying the fingerprint of a PrivilegedEvent schema, current or earlier. */
    @Override
    public boolean recognizes(byte[] firstRecord) {
        return firstRecord.length >= 10 && firstRecord[0] == (byte) 0xC3 && firstRecord[1] == (byte) 0x01
                && WRITERS.containsKey(fingerprint(firstRecord));
    }

    /** The schema a single-object record was written with, by the fingerprint in its header; null if unknown. */
    public static Schema writerSchema(long fingerprint) {
        return WRITERS.get(fingerprint);
    }

    /** The little-endian fingerprint in bytes 2..9 of a single-object record's header. */
    public static long fingerprint(byte[] header) {
        return ByteBuffer.wrap(header, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static BinaryMessageDecoder<PrivilegedEvent> decoder() {
        SchemaStore.Cache earlier = new SchemaStore.Cache();
        WRITERS.values().forEach(earlier::addSchema);
        return PrivilegedEvent.createDecoder(earlier);
    }

    private static Schema load(String resource) {
        try (InputStream in = AvroNormalizer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
