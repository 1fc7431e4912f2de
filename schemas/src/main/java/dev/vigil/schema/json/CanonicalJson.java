package dev.vigil.schema.json;

import dev.vigil.event.PrivilegedEvent;

/** Canonical events as JSON lines: the input of {@code replay --format canonical} and of every rule fixture. */
public final class CanonicalJson {
    private CanonicalJson() {}

    /** Parses one JSON line into a schema-valid event; semantic checks are {@link EventValidator}'s. */
    public static PrivilegedEvent parse(byte[] line) throws InvalidRecordException {
        return AvroJson.fromJson(line, PrivilegedEvent.class);
    }

    public static PrivilegedEvent parse(String line) throws InvalidRecordException {
        return AvroJson.fromJson(line, PrivilegedEvent.class);
    }

    public static String toJson(PrivilegedEvent event) {
        return AvroJson.toJson(event);
    }
}
