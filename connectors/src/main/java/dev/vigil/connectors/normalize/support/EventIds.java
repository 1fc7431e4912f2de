package dev.vigil.connectors.normalize.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Event ids for products: the product's own id when it has one, else a digest of the raw bytes, so a replayed
 *  record always gets the same id and deduplicates. */
public final class EventIds {
    private EventIds() {}

    public static String of(String source, String productId, byte[] payload) {
        if (productId != null && !productId.isBlank()) {
            return source + ":" + productId;
        }
        return source + ":sha256:" + digest(payload);
    }

    /** The first 128 bits of the SHA-256 of a text's UTF-8 bytes, in hex: an id for records that carry none. */
    public static String digest(String text) {
        return digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The first 128 bits of the SHA-256 of some bytes, in hex. */
    public static String digest(byte[] payload) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(payload == null ? new byte[0] : payload);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
