package dev.vigil.connectors.normalize.text;

import dev.vigil.schema.json.InvalidRecordException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CEF message: the seven pipe-separated header fields and the extension's key=value pairs. Values run to the
 * next {@code key=}; {@code \=}, {@code \|}, {@code \\} and {@code \n} are unescaped. Values wrapped in double
 * quotes, as CyberArk's Vault writes them ({@code act="CPM Verify Password"}), lose the quotes and may contain
 * {@code key=}-looking text.
 */
public record CefRecord(String vendor, String product, String version, String signatureId, String name,
                        String severity, Map<String, String> extension) {

    public static CefRecord parse(String message) throws InvalidRecordException {
        int start = message.indexOf("CEF:");
        if (start < 0) {
            throw new InvalidRecordException("not a CEF message");
        }
        String s = message.substring(start + 4);
        List<String> header = new ArrayList<>(8);
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < s.length() && header.size() < 7) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '|' || s.charAt(i + 1) == '\\')) {
                field.append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
            i++;
        }
        if (header.size() < 7) {
            throw new InvalidRecordException("truncated CEF header (" + header.size() + " of 8 fields)");
        }
        return new CefRecord(header.get(1), header.get(2), header.get(3), header.get(4), header.get(5),
                header.get(6), extension(s.substring(i)));
    }

    /** The value, or null when absent, blank or {@code -}. */
    public String get(String key) {
        String v = extension.get(key);
        return v == null || v.isBlank() || "-".equals(v) ? null : v;
    }

    static Map<String, String> extension(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            int eq = keyEnd(s, i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq);
            int v = eq + 1;
            String value;
            if (v < n && s.charAt(v) == '"') {
                int close = closingQuote(s, v + 1);
                if (close > 0 && (close + 1 == n || s.charAt(close + 1) == ' ')) {
                    value = unescape(s.substring(v + 1, close));
                    i = close + 1;
                    out.put(key, value);
                    continue;
                }
            }
            int next = nextKey(s, v);
            value = unescape(s.substring(v, next).trim());
            out.put(key, value);
            i = next;
        }
        return out;
    }

    /** Index of the {@code =} ending a key that starts at i, or -1 when no key starts there. */
    private static int keyEnd(String s, int i) {
        int j = i;
        while (j < s.length() && isKeyChar(s.charAt(j))) {
            j++;
        }
        return j > i && j < s.length() && s.charAt(j) == '=' ? j : -1;
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '[' || c == ']';
    }

    /** Start of the next " key=" at or after from (its first key character), or the end. */
    private static int nextKey(String s, int from) {
        for (int j = from; j < s.length(); j++) {
            if (s.charAt(j) == ' ' && keyEnd(s, j + 1) > 0 && s.charAt(j - 1) != '\\') {
                return j + 1;
            }
        }
        return s.length();
    }

    private static int closingQuote(String s, int from) {
        for (int j = from; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j;
            }
        }
        return -1;
    }

    private static String unescape(String v) {
        if (v.indexOf('\\') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int j = 0; j < v.length(); j++) {
            char c = v.charAt(j);
            if (c == '\\' && j + 1 < v.length()) {
                char d = v.charAt(j + 1);
                switch (d) {
                    case '=', '\\', '|', '"' -> { b.append(d); j++; }
                    case 'n' -> { b.append('\n'); j++; }
                    case 'r' -> { b.append('\r'); j++; }
                    // CyberArk writes Windows-style object paths (Root\Operating System-...) unescaped.
                    default -> b.append(c);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
