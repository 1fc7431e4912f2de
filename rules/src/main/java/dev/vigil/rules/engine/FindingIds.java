package dev.vigil.rules.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Finding ids that depend only on the rule and the events that triggered it, so a replay, a restored job and a
 * second engine all name the same hit the same way and downstream upserts stay idempotent.
 */
public final class FindingIds {
    private FindingIds() {}

    /**
     * {@code "f-"} + the first 24 hex digits of SHA-256 over {@code ruleId + "|" + ids joined by "|"}, where ids
     * are the distinct event ids in ascending order.
     */
    public static String of(String ruleId, Collection<String> eventIds) {
        StringBuilder text = new StringBuilder(ruleId).append('|');
        text.append(String.join("|", canonical(eventIds)));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "f-" + HexFormat.of().formatHex(digest).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The distinct event ids in ascending order, as findings carry them. */
    public static List<String> canonical(Collection<String> eventIds) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String id : eventIds) {
            if (id != null) {
                sorted.add(id);
            }
        }
        return List.copyOf(sorted);
    }
}
