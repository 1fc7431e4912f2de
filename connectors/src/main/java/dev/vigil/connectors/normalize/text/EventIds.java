package dev.vigil.connectors.normalize.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Event ids for products whose records carry no id of their own: a digest of the record's bytes, so the same line
 * read twice (a replayed file, a redelivered syslog message) is the same event and deduplicates.
 */
public final class EventIds {
    private EventIds() {}

    /** The first 16 bytes of the SHA-256 of the text, in hex. */
    public static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
