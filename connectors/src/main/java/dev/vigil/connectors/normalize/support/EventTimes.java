package dev.vigil.connectors.normalize.support;

import dev.vigil.schema.json.InvalidRecordException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads the timestamps product audit logs write: RFC 3339 with {@code Z} or an offset and up to nanoseconds
 * (Vault, CloudTrail, Teleport), and Teleport's exports with a space for the {@code T} and no zone, which are UTC.
 * Canonical time is epoch milliseconds, so finer digits are truncated, never rounded into the next millisecond.
 */
public final class EventTimes {
    private EventTimes() {}

    /** @throws InvalidRecordException naming the field when the value is absent or not a timestamp */
    public static long parse(String value, String field) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        String s = value.trim();
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        try {
            if (s.endsWith("Z") || s.endsWith("z")) {
                return Instant.parse(s.substring(0, s.length() - 1) + 'Z').toEpochMilli();
            }
            if (hasOffset(s)) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " '" + abbreviate(value) + "' is not a timestamp");
        }
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return false;
        }
        String time = s.substring(t);
        return time.indexOf('+') >= 0 || time.indexOf('-') >= 0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
