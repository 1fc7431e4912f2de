package dev.vigil.connectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record exactly as a source delivered it, before it is parsed into canonical events. Sources never parse:
 * keeping the original bytes lets the detection graph send anything it cannot read to the dead-letter output
 * with its origin, instead of failing inside a connector.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so it travels between operators without Kryo.
 */
public class RawRecord {
    /** Where the record came from: {@code file:line} or {@code topic/partition/offset}. */
    public String origin;
    /** How to read the payload: {@code canonical} (JSON line), {@code avro} (single-object encoding), or a product format. */
    public String format;
    /** The bytes as received. */
    public byte[] payload;
    /**
     * Set when the source could not make a readable record of this input (a file no format recognizes, a JSON
     * document broken at this line): the parser dead-letters the record with this reason. Null otherwise.
     */
    public String rejection;

    public RawRecord() {}

    public RawRecord(String origin, String format, byte[] payload) {
        this.origin = origin;
        this.format = format;
        this.payload = payload;
    }

    /** A record the source already knows to be unreadable, with the reason the dead letter will carry. */
    public static RawRecord rejected(String origin, String format, byte[] payload, String reason) {
        RawRecord r = new RawRecord(origin, format, payload);
        r.rejection = reason;
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord other)) {
            return false;
        }
        return Objects.equals(origin, other.origin) && Objects.equals(format, other.format)
                && Arrays.equals(payload, other.payload) && Objects.equals(rejection, other.rejection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, format) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "RawRecord{" + origin + ", " + format + ", " + (payload == null ? 0 : payload.length) + " bytes}";
    }
}
