package dev.vigil.connectors.normalize;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.InvalidRecordException;
import java.io.Serializable;
import java.util.List;

/**
 * Turns one record of a product's own format into canonical events. A record that carries nothing Vigil uses
 * yields an empty list (counted as skipped); one that cannot be read throws with a one-line reason (dead-lettered).
 */
public interface Normalizer extends Serializable {
    /** The format name users give to {@code --format}. */
    String format();

    List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException;

    /**
     * Whether one of the first records of a file is in this format, for {@code --format auto}
     * ({@link FormatDetector}). It should be cheap and specific: look for the fields or the line shape only this
     * product writes. By default a format is never detected and must be named.
     */
    default boolean recognizes(String firstRecord) {
        return false;
    }

    /** Byte-level variant for binary formats; by default the record as UTF-8 text goes to {@link #recognizes(String)}. */
    default boolean recognizes(byte[] firstRecord) {
        return recognizes(new String(firstRecord, java.nio.charset.StandardCharsets.UTF_8));
    }
}
