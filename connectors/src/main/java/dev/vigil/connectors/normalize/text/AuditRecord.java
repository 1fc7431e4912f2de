package dev.vigil.connectors.normalize.text;

import dev.vigil.schema.json.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One raw auditd record: {@code [node=N ]type=T msg=audit(SECONDS.MILLIS:SERIAL): key=value ...}. The user-space
 * part that PAM and sudo put inside {@code msg='...'} is merged into the fields, and the enriched names auditd
 * appends after a group separator (log_format=ENRICHED: {@code AUID="alice"}) are kept under their upper-case keys.
 * Records sharing time and serial are one event.
 */
public record AuditRecord(String node, String type, long epochMillis, long serial, Map<String, KeyValues.Value> fields) {
    /** auditd's "unset" id (-1 as an unsigned 32-bit number). */
    public static final String UNSET = "4294967295";

    private static final Pattern HEADER = Pattern.compile(
            "^(?:node=(\\S+) )?type=(\\S+) msg=audit\\((\\d+)\\.(\\d{1,3}):(\\d+)\\):?\\s?(.*)$", Pattern.DOTALL);
    private static final Pattern HEX = Pattern.compile("^(?:[0-9A-F]{2})+$");

    public static AuditRecord parse(String line) throws InvalidRecordException {
        Matcher m = HEADER.matcher(line);
        if (!m.matches()) {
            throw new InvalidRecordException("not an auditd record (no type=... msg=audit(time:serial): header)");
        }
        String body = m.group(6);
        String enriched = null;
        int gs = body.indexOf('\u001d');
        if (gs >= 0) {
            enriched = body.substring(gs + 1);
            body = body.substring(0, gs);
        }
        Map<String, KeyValues.Value> fields = new HashMap<>(KeyValues.parse(body));
        KeyValues.Value msg = fields.remove("msg");
        if (msg != null) {
            // The user-space message's own fields; the kernel-side ones (pid, uid, auid, ses) stay authoritative.
            KeyValues.parse(msg.text()).forEach(fields::putIfAbsent);
        }
        if (enriched != null) {
            KeyValues.parse(enriched).forEach(fields::putIfAbsent);
        }
        String millis = (m.group(4) + "00").substring(0, 3);
        long t;
        try {
            t = Long.parseLong(m.group(3)) * 1000 + Long.parseLong(millis);
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("unreadable audit timestamp " + m.group(3));
        }
        return new AuditRecord(m.group(1), m.group(2), t, Long.parseLong(m.group(5)), fields);
    }

    /** The raw text of a field as written, or null. */
    public String raw(String key) {
        KeyValues.Value v = fields.get(key);
        return v == null ? null : v.text();
    }

    /**
     * The field as text: quoted values as they are, unquoted hex (auditd's encoding of strings with spaces or
     * special characters) decoded with NULs between arguments shown as spaces; {@code ?} and {@code (null)} are null.
     */
    public String text(String key) {
        KeyValues.Value v = fields.get(key);
        if (v == null) {
            return null;
        }
        String t = v.text();
        if (v.quoted()) {
            return t;
        }
        if ("?".equals(t) || "(null)".equals(t) || "(none)".equals(t)) {
            return null;
        }
        if (t.length() >= 2 && HEX.matcher(t).matches()) {
            byte[] bytes = java.util.HexFormat.of().parseHex(t);
            String s = new String(bytes, StandardCharsets.UTF_8);
            return s.replace('\0', ' ').strip();
        }
        return t;
    }

    /** The field as a number, or null when absent or not a number. */
    public Long number(String key) {
        String t = raw(key);
        if (t == null) {
            return null;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code node:time:serial}: what identifies one event. */
    public String eventKey() {
        return (node == null ? "" : node + ":") + (epochMillis / 1000) + "." + String.format("%03d", epochMillis % 1000) + ":" + serial;
    }
}
