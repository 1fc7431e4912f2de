package dev.vigil.connectors.normalize.text;

import dev.vigil.schema.json.InvalidRecordException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * The ISO-8601 shapes product logs write: with {@code T} or a space between date and time, zero to nine fraction
 * digits, and {@code Z}, an offset, or no zone at all (read as UTC, which is what the products that omit it mean).
 */
public final class Timestamps {
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter ZONED = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .appendOffset("+HH:MM", "Z")
            .toFormatter();
    private static final DateTimeFormatter ZONED_COMPACT = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .appendOffset("+HHMM", "Z")
            .toFormatter();

    private Timestamps() {}

    /** Epoch milliseconds of an ISO-8601 timestamp; {@code what} names the field in the reason when it is unreadable. */
    public static long parse(String text, String what) throws InvalidRecordException {
        if (text == null || text.isBlank()) {
            throw new InvalidRecordException("missing " + what);
        }
        String t = text.trim();
        for (DateTimeFormatter f : new DateTimeFormatter[] {ZONED, ZONED_COMPACT}) {
            try {
                return OffsetDateTime.parse(t, f).toInstant().toEpochMilli();
            } catch (DateTimeParseException ignored) {
                // try the next shape
            }
        }
        try {
            return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException("unreadable " + what + " '" + abbreviate(t) + "'");
        }
    }

    /** Epoch seconds and nanoseconds, as sudo and auditd write them, in milliseconds. */
    public static long ofEpoch(long seconds, long nanos) {
        return Instant.ofEpochSecond(seconds, nanos).toEpochMilli();
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
