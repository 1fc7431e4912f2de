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
}
