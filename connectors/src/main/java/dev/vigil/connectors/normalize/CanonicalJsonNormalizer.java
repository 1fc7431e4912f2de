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

    /** A JSON object with the canonical event's own fields: event_id, event_time, type and a principal object. */
    @Override
    public boolean recognizes(String firstRecord) {
        String t = firstRecord.strip();
        if (!t.startsWith("{") || !t.contains("\"event_id\"")) {
            return false;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(t);
            return n.isObject() && n.hasNonNull("event_id") && n.hasNonNull("event_time") && n.hasNonNull("type")
                    && n.path("principal").isObject();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
