package dev.vigil.connectors.normalize;

import dev.vigil.connectors.RawRecord;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.schema.json.CanonicalJson;
import dev.vigil.schema.json.InvalidRecordException;
import java.util.List;

/** Canonical JSON lines, as {@code replay --format canonical} and rule fixtures hold them. */
public final class CanonicalJsonNormalizer implements Normalizer {
    public static final String FORMAT = "canonical";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public List<PrivilegedEvent> normalize(RawRecord record) throws InvalidRecordException {
        return List.of(CanonicalJson.parse(record.payload));
    }
}
