package dev.vigil.jobs.evidence;

import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.GrantRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The integrity hash chain of an evidence record, so an altered, removed or reordered behaviour item (or an
 * altered request) is detectable by recomputing it:
 * <pre>
 *   h0 = sha256(requestText(request))
 *   hi = sha256(h(i-1) + itemText(item i))      for each behaviour item in listed order
 *   chain_hash = the last h, lowercase hex
 * </pre>
 * Hashes are taken over UTF-8 bytes; h(i-1) enters the next step as its 64-char hex text. The canonical
 * texts are compact JSON objects with a fixed field order (the schema's), null for absent values,
 * strings escaped as JSON; an absent request is the text {@code null}.
 */
public final class EvidenceChain {

    private EvidenceChain() {
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    });

    /** The chain hash of a request (may be null) followed by behaviour items, in the given order. */
    public static String chainHash(GrantRequest request, List<BehaviourItem> behaviour) {
        return extend(sha256Hex(requestText(request)), behaviour, 0);
    }

    /**
     * Continues a chain whose head covers the request and the first {@code from} items with the items after
     * them: a record that only grew at its end is re-hashed for its new items alone.
     */
    public static String extend(String head, List<BehaviourItem> behaviour, int from) {
        String h = head;
        for (int i = from; i < behaviour.size(); i++) {
            h = sha256Hex(h + itemText(behaviour.get(i)));
        }
        return h;
    }

    /** Whether a record's chain_hash matches its request and behaviour. */
    public static boolean verify(EvidenceRecord record) {
        return chainHash(record.getRequest(), record.getBehaviour()).equals(record.getChainHash());
    }

    /** Canonical text of a request. */
    public static String requestText(GrantRequest r) {
        if (r == null) {
            return "null";
        }
        return new CanonicalJson()
                .field("request_id", r.getRequestId())
                .field("requester", r.getRequester())
                .field("approver", r.getApprover())
                .field("reason", r.getReason())
                .field("ticket", r.getTicket())
                .field("role", r.getRole())
                .field("scope", r.getScope())
                .field("window_start", r.getWindowStart())
                .field("window_end", r.getWindowEnd())
                .field("break_glass", r.getBreakGlass())
                .field("requested_at", r.getRequestedAt())
                .field("approved_at", r.getApprovedAt())
                .field("denied_at", r.getDeniedAt())
                .field("activated_at", r.getActivatedAt())
                .field("ended_at", r.getEndedAt())
                .field("end_action", r.getEndAction())
                .close();
    }

    /** Canonical text of a behaviour item. */
    public static String itemText(BehaviourItem i) {
        return new CanonicalJson()
                .field("event_id", i.getEventId())
                .field("event_time", i.getEventTime())
                .field("type", i.getType() == null ? null : i.getType().name())
                .field("action", i.getAction() == null ? null : i.getAction().name())
                .field("session_id", i.getSessionId())
                .field("target", i.getTarget())
                .field("command", i.getCommand())
                .field("secret_id", i.getSecretId())
                .field("label", i.getLabel() == null ? null : i.getLabel().name())
                .field("late", i.getLate())
                .close();
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Compact JSON with fields in the order written; nothing else is needed for hashing. */
    private static final class CanonicalJson {
        private final StringBuilder out = new StringBuilder("{");

        CanonicalJson field(String name, Object value) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(name);
            out.append(':');
            value(value);
            return this;
        }

        String close() {
            return out.append('}').toString();
        }

        private void value(Object value) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String s) {
                string(s);
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(list.get(i));
                }
                out.append(']');
            } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
                out.append(value);
            } else {
                string(value.toString());
            }
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
